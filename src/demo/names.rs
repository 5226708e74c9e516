//! Invented Azerbaijani names and case texts for synthetic registries.

use crate::domain::{Need, Sex};

pub const FEMALE_NAMES: &[&str] = &[
    "Aygün",
    "Leyla",
    "Günel",
    "Nərgiz",
    "Səbinə",
    "Aynur",
    "Ülviyyə",
    "Şəbnəm",
    "Könül",
    "Gülnarə",
    "Fidan",
    "Nigar",
    "Sevinc",
    "Çiçək",
    "Xədicə",
    "Zəhra",
    "Aysel",
    "Lalə",
    "Türkan",
    "İlahə",
    "Məryəm",
    "Nurlana",
    "Ləman",
    "Gülər",
    "Ayşə",
    "Səidə",
    "Röya",
    "Elmira",
    "Şəlalə",
    "Ülkər",
    "Qönçə",
    "Fəridə",
    "Jalə",
    "Yeganə",
    "Arzu",
    "Həcər",
    "Pərvanə",
    "İnci",
    "Aytac",
];

pub const MALE_NAMES: &[&str] = &[
    "Əli",
    "Rəşad",
    "Elvin",
    "Tural",
    "Orxan",
    "Murad",
    "Kamran",
    "Vüqar",
    "Nicat",
    "Fərid",
    "Samir",
    "İlkin",
    "Anar",
    "Ramin",
    "Elçin",
    "Şahin",
    "Cavid",
    "Həsən",
    "Hüseyn",
    "Rüfət",
    "Emin",
    "Ülvi",
    "Ayxan",
    "Yusif",
    "Ömər",
    "Zaur",
    "Toğrul",
    "İsmayıl",
    "Qasım",
    "Çingiz",
    "Əkbər",
    "Xəyyam",
    "Mübariz",
    "Ağası",
    "Sənan",
    "Ilqar",
    "Şəhriyar",
    "Fuad",
    "Kənan",
];

/// Family-name roots in their male form; the female form adds "a".
pub const SURNAME_ROOTS: &[&str] = &[
    "Məmmədov",
    "Əliyev",
    "Hüseynov",
    "Quliyev",
    "İsmayılov",
    "Abdullayev",
    "Rzayev",
    "Nəsirov",
    "Qasımov",
    "Cəfərov",
    "Süleymanov",
    "Bağırov",
    "Şükürov",
    "Kərimov",
    "Babayev",
    "Əhmədov",
    "Mustafayev",
    "Orucov",
    "İbrahimov",
    "Ağayev",
    "Vəliyev",
    "Sadıqov",
    "Zeynalov",
    "Şahbazov",
    "Qəhrəmanov",
    "Ələkbərov",
    "Xəlilov",
    "Çələbiyev",
    "Göyüşov",
    "Ömərov",
    "Həsənov",
    "Nağıyev",
    "Tağıyev",
    "Yusifov",
    "Səfərov",
    "İsgəndərov",
    "Əsgərov",
    "Muradov",
    "Fərzəliyev",
];

/// The family name for a person of the given sex.
pub fn surname(root: &str, sex: Sex) -> String {
    match sex {
        Sex::Male => root.to_owned(),
        Sex::Female => format!("{root}a"),
    }
}

/// The root (male form) of a family name.
pub fn surname_root_of(name: &str) -> &str {
    name.strip_suffix('a').unwrap_or(name)
}

pub const STREETS: &[&str] = &[
    "Nizami",
    "Füzuli",
    "Səməd Vurğun",
    "Üzeyir Hacıbəyov",
    "Nəriman Nərimanov",
    "Xətai",
    "Cəfər Cabbarlı",
    "Şəhriyar",
    "Azadlıq",
    "Natəvan",
    "Bülbül",
    "Mirzə Fətəli Axundov",
    "Hüseyn Cavid",
    "Qarabağ",
    "Şirvanşahlar",
    "İstiqlaliyyət",
    "Gənclik",
    "Çinar",
];

pub const TRAINING_BASIC: &str = "Himayədar valideynlər üçün əsas hazırlıq kursu";
pub const TRAINING_EXTRA: &[&str] = &[
    "İlk tibbi yardım",
    "Travma ilə bağlı qayğı",
    "Uşağın davranışının dəstəklənməsi",
    "Uşaqla bioloji ailəsi arasında əlaqənin saxlanması",
];
pub const TRAINING_DISABILITY: &str = "Əlilliyi olan uşağa qayğı";

pub const SUSPENSION_NOTES: &[&str] = &[
    "Ailədə yeni doğulmuş uşaq var; fasilə ailənin öz xahişi ilə.",
    "Ev təmir olunur; təhlükəsizlik yoxlaması təkrarlanmalıdır.",
    "Əsas himayədarın səhhəti ilə bağlı müvəqqəti fasilə.",
];

pub const CONTACT_ARRANGEMENTS: &[&str] = &[
    "Ayda bir dəfə anası ilə sosial işçinin iştirakı ilə görüş.",
    "Həftədə bir dəfə nənəsi ilə telefon əlaqəsi.",
    "İki həftədə bir dəfə atası ilə görüş, sosial işçinin nəzarəti altında.",
    "Məhkəmənin qərarına qədər bioloji ailə ilə əlaqə dayandırılıb.",
    "Bioloji ailə ilə əlaqə yoxdur; xalası ilə ayda bir görüş.",
    "Qardaşları ilə hər həftə sonu görüş.",
];

pub const WISHES: &[&str] = &[
    "Qardaşı və bacısı ilə birlikdə qalmaq istəyir.",
    "Məktəbini dəyişmək istəmir, dostlarından ayrılmaq istəmir.",
    "Heyvanları çox sevir, iti olan ailəyə getmək istəyir.",
    "Nənəsi ilə əlaqəni saxlamaq istəyir.",
    "Futbol məşqlərinə davam etmək istəyir.",
    "Şəhərdə yaşamaq istəyir, kəndə getmək istəmir.",
    "Öz fikrini deməkdə çətinlik çəkir; psixoloqla söhbətdə ailədə yaşamaq istədiyini bildirib.",
    "Anasına qayıtmaq istəyir, amma hələlik başqa ailədə yaşamağa razıdır.",
];

pub const SPLIT_REASONS: &[&str] = &[
    "Böyük qardaşın ağır davranış ehtiyacları ayrıca yerləşdirmə tələb edir; görüşlər hər həftə.",
    "Uşaqların yaş fərqi böyükdür və böyük bacı müstəqil yaşamağa hazırlanır; psixoloqun rəyi var.",
    "Qrup çox böyükdür; yaxın yerləşən iki ailə və tez-tez görüşlər planlaşdırılıb.",
];

pub fn need_description(need: Need) -> &'static str {
    match need {
        Need::Disability => "Hərəkət məhdudiyyəti var, əlil arabasından istifadə edir.",
        Need::ChronicMedical => "Şəkərli diabet; gündəlik insulin lazımdır.",
        Need::Behavioural => "Qəzəb partlayışları olur; davranış planı hazırlanıb.",
        Need::Psychosocial => "Travma yaşayıb; psixososial dəstək alır.",
        Need::Learning => "Oxumaqda çətinlik çəkir; fərdi təhsil planı var.",
    }
}
