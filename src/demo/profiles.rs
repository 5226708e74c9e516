//! Matching instances of other shapes than the demo registry, for benchmarks and tests that must
//! not rest on one generator: broad or narrow approvals, one or several groups per family, many
//! or no sibling groups that may be split, one region or the whole country. Each is reproducible
//! by its seed and is written straight as an instance (no registry behind it).

use chrono::{Days, NaiveDate};

use crate::domain::{CareType, FamilyStatus, Language, Need, Sex, SexPreference, Urgency};
use crate::geo::Gazetteer;
use crate::matching::instance::{ChildInput, FamilyInput};
use crate::matching::{Instance, Settings};

/// A shape of instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The demo registry's own generator (real districts, weighted towards Baku).
    Demo,
    /// Broad approval ranges, 3–4 places per family, a 100 km limit: many compatible pairs.
    Dense,
    /// Two groups per family; most sibling groups (of 2–4) may be split.
    Split,
    /// The dense shape over the whole country at national size.
    National,
    /// Narrow approvals, one or two places, a 40 km limit: few compatible pairs.
    Sparse,
    /// Everyone in one economic region (Absheron–Khizi with Baku and Sumgayit): one large
    /// component.
    Region,
}

impl Profile {
    pub const ALL: [Profile; 6] = [
        Profile::Demo,
        Profile::Dense,
        Profile::Split,
        Profile::National,
        Profile::Sparse,
        Profile::Region,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Demo => "demo",
            Profile::Dense => "dense",
            Profile::Split => "split",
            Profile::National => "national",
            Profile::Sparse => "sparse",
            Profile::Region => "region",
        }
    }

    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The planning date of every generated instance.
pub fn planning_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default()
}

/// An instance of the profile with every child awaiting placement.
pub fn instance(
    profile: Profile,
    children: usize,
    families: usize,
    seed: u64,
    gazetteer: &Gazetteer,
) -> Instance {
    let today = planning_date();
    if profile == Profile::Demo {
        let registry = super::generate(
            &super::DemoOptions {
                seed,
                families,
                children,
                today,
            },
            gazetteer,
        );
        return super::instance_of(&registry, today, Settings::default());
    }
    let shape = Shape::of(profile);
    let mut generator = Generator {
        rng: fastrand::Rng::with_seed(seed),
        today,
        anchors: anchors(profile, gazetteer),
    };
    let mut settings = Settings {
        max_groups_per_family: shape.groups_per_family,
        ..Settings::default()
    };
    if let Some(km) = shape.distance_km {
        settings.max_distance_km = km;
    }
    let families = (0..families).map(|i| generator.family(i, &shape)).collect();
    let mut list = Vec::with_capacity(children);
    let mut group = 0;
    while list.len() < children {
        let left = children - list.len();
        let size = if left >= 2 && generator.chance(shape.sibling_share) {
            generator.rng.usize(2..=4).min(left)
        } else {
            1
        };
        let (lat, lon) = generator.point();
        let may_split = size > 1 && generator.chance(shape.may_split_share);
        let name = (size > 1).then(|| {
            group += 1;
            format!("G-{group:04}")
        });
        for _ in 0..size {
            let id = format!("C-{:05}", list.len() + 1);
            let mut child = generator.child(id, lat, lon);
            child.group = name.clone();
            child.may_split = may_split;
            list.push(child);
        }
    }
    Instance {
        planning_date: today.to_string(),
        settings,
        families,
        children: list,
        locked: Vec::new(),
        excluded: Vec::new(),
    }
}

/// What tells the profiles apart.
struct Shape {
    groups_per_family: u32,
    distance_km: Option<f64>,
    /// Share of children's draws that start a sibling group.
    sibling_share: f64,
    may_split_share: f64,
    /// Places per family (inclusive).
    places: (u32, u32),
    /// Youngest age a family takes is drawn from this range, the oldest from `age_max`.
    age_min: (u32, u32),
    age_max: (u32, u32),
    care_types: (usize, usize),
    needs: (usize, usize),
}

impl Shape {
    fn of(profile: Profile) -> Shape {
        match profile {
            Profile::Dense | Profile::National => Shape {
                groups_per_family: 1,
                distance_km: Some(100.0),
                sibling_share: 0.15,
                may_split_share: 0.2,
                places: (3, 4),
                age_min: (0, 3),
                age_max: (12, 17),
                care_types: (3, 4),
                needs: (2, 5),
            },
            Profile::Split => Shape {
                groups_per_family: 2,
                distance_km: None,
                sibling_share: 0.3,
                may_split_share: 0.85,
                places: (2, 5),
                age_min: (0, 8),
                age_max: (8, 17),
                care_types: (1, 4),
                needs: (0, 3),
            },
            Profile::Sparse => Shape {
                groups_per_family: 1,
                distance_km: Some(40.0),
                sibling_share: 0.1,
                may_split_share: 0.0,
                places: (1, 2),
                age_min: (0, 10),
                age_max: (4, 17),
                care_types: (1, 2),
                needs: (0, 1),
            },
            Profile::Region | Profile::Demo => Shape {
                groups_per_family: 1,
                distance_km: None,
                sibling_share: 0.2,
                may_split_share: 0.5,
                places: (1, 4),
                age_min: (0, 6),
                age_max: (6, 17),
                care_types: (1, 4),
                needs: (0, 3),
            },
        }
    }
}

/// Points around which homes lie: every district and settlement of the country (each equally
/// likely, unlike the demo's weighting towards Baku), or of one region.
fn anchors(profile: Profile, gazetteer: &Gazetteer) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = gazetteer
        .districts()
        .filter(|d| profile != Profile::Region || REGION.contains(&d.economic_region.as_str()))
        .flat_map(|d| {
            std::iter::once((d.lat, d.lon)).chain(
                gazetteer
                    .settlements_of(&d.code)
                    .into_iter()
                    .map(|s| (s.lat, s.lon)),
            )
        })
        .collect();
    if points.is_empty() {
        // Baku, should the gazetteer lack the region.
        points.push((40.4093, 49.8671));
    }
    points
}

/// The economic regions of the `region` profile (Baku and Absheron–Khizi), as the gazetteer
/// names them.
const REGION: [&str; 2] = ["Bakı", "Abşeron-Xızı"];

struct Generator {
    rng: fastrand::Rng,
    today: NaiveDate,
    anchors: Vec<(f64, f64)>,
}

impl Generator {
    fn chance(&mut self, probability: f64) -> bool {
        self.rng.f64() < probability
    }

    fn between(&mut self, (low, high): (u32, u32)) -> u32 {
        self.rng.u32(low..=high.max(low))
    }

    /// A home within about 15 km of an anchor.
    fn point(&mut self) -> (f64, f64) {
        let (lat, lon) = self.anchors[self.rng.usize(..self.anchors.len())];
        let round = |x: f64| (x * 1e5).round() / 1e5;
        (
            round(lat + (self.rng.f64() - 0.5) * 0.25),
            round(lon + (self.rng.f64() - 0.5) * 0.3),
        )
    }

    fn languages(&mut self) -> Vec<Language> {
        let mut list = vec![Language::Azerbaijani];
        if self.chance(0.2) {
            list.push(Language::Russian);
        }
        if self.chance(0.05) {
            list.push(
                [
                    Language::Turkish,
                    Language::Lezgian,
                    Language::Talysh,
                    Language::English,
                ][self.rng.usize(..4)],
            );
        }
        // A child who speaks no Azerbaijani now and then (a returnee, a refugee).
        if self.chance(0.03) {
            list.remove(0);
            if list.is_empty() {
                list.push(Language::Russian);
            }
        }
        list
    }

    fn some_of<T: Copy>(&mut self, all: &[T], (low, high): (usize, usize)) -> Vec<T> {
        let count = self.rng.usize(low..=high.max(low)).min(all.len());
        let mut list = all.to_vec();
        self.rng.shuffle(&mut list);
        list.truncate(count);
        list
    }

    fn family(&mut self, index: usize, shape: &Shape) -> FamilyInput {
        let status = match self.rng.u32(..100) {
            0..=89 => FamilyStatus::Approved,
            90..=94 => FamilyStatus::InAssessment,
            _ => FamilyStatus::Suspended,
        };
        // One family in twenty is past its review date.
        let review = if self.chance(0.05) {
            self.today.checked_sub_days(Days::new(self.rng.u64(1..200)))
        } else {
            self.today
                .checked_add_days(Days::new(self.rng.u64(30..700)))
        };
        let places = self.between(shape.places);
        let occupied = if self.chance(0.2) {
            self.rng.u32(0..places)
        } else {
            0
        };
        let age_min = self.between(shape.age_min);
        let age_max = self.between(shape.age_max).max(age_min);
        let sex = match self.rng.u32(..10) {
            0..=6 => SexPreference::Any,
            7 | 8 => SexPreference::Female,
            _ => SexPreference::Male,
        };
        let mut care_types = self.some_of(&CARE_TYPES, shape.care_types);
        if care_types.is_empty() {
            care_types.push(CareType::LongTerm);
        }
        let (lat, lon) = self.point();
        FamilyInput {
            id: format!("F-{:05}", index + 1),
            status,
            review_due: review.map(|d| d.to_string()),
            places,
            occupied,
            age_min,
            age_max,
            sex,
            care_types,
            needs: self.some_of(&NEEDS, shape.needs),
            languages: self.languages(),
            lat,
            lon,
        }
    }

    fn child(&mut self, id: String, lat: f64, lon: f64) -> ChildInput {
        let age_days = self.rng.u64(30..18 * 365);
        let birth = self
            .today
            .checked_sub_days(Days::new(age_days))
            .unwrap_or(self.today);
        let referral = self
            .today
            .checked_sub_days(Days::new(self.rng.u64(0..700)))
            .unwrap_or(self.today)
            .max(birth);
        let urgency = match self.rng.u32(..100) {
            0..=69 => Urgency::Routine,
            70..=89 => Urgency::Priority,
            _ => Urgency::Emergency,
        };
        let care_type = match self.rng.u32(..100) {
            0..=49 => CareType::LongTerm,
            50..=74 => CareType::ShortTerm,
            75..=89 => CareType::Emergency,
            _ => CareType::Respite,
        };
        let needs = if self.chance(0.25) {
            vec![NEEDS[self.rng.usize(..NEEDS.len())]]
        } else {
            Vec::new()
        };
        let own_limit = match self.rng.u32(..100) {
            0..=4 => Some(40.0),
            5..=9 => Some(150.0),
            _ => None,
        };
        ChildInput {
            id,
            birth_date: birth.to_string(),
            sex: if self.chance(0.5) {
                Sex::Female
            } else {
                Sex::Male
            },
            group: None,
            may_split: false,
            urgency,
            care_type,
            needs,
            languages: self.languages(),
            lat: ((lat + (self.rng.f64() - 0.5) * 0.02) * 1e5).round() / 1e5,
            lon: ((lon + (self.rng.f64() - 0.5) * 0.02) * 1e5).round() / 1e5,
            max_distance_km: own_limit,
            referral_date: Some(referral.to_string()),
        }
    }
}

const CARE_TYPES: [CareType; 4] = [
    CareType::Emergency,
    CareType::ShortTerm,
    CareType::LongTerm,
    CareType::Respite,
];

const NEEDS: [Need; 5] = [
    Need::Disability,
    Need::ChronicMedical,
    Need::Behavioural,
    Need::Psychosocial,
    Need::Learning,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_gives_a_valid_instance_and_the_same_one_for_a_seed() {
        let gazetteer = Gazetteer::embedded().expect("gazetteer");
        for profile in Profile::ALL {
            let a = instance(profile, 120, 70, 7, &gazetteer);
            let b = instance(profile, 120, 70, 7, &gazetteer);
            assert_eq!(a, b, "{}", profile.name());
            assert_eq!(a.children.len(), 120, "{}", profile.name());
            a.validate()
                .unwrap_or_else(|e| panic!("{}: {e:?}", profile.name()));
        }
    }
}
