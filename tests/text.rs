//! Azerbaijani collation, Turkic casing and search, and the list queries built on them.

mod common;

use std::collections::HashMap;

use common::*;
use yuva::domain::listing::*;
use yuva::domain::text::*;
use yuva::domain::*;

#[test]
fn alphabetical_order_is_azerbaijani() {
    let mut names = vec![
        "Zəhra",
        "Ülkər",
        "Şəbnəm",
        "Çiçək",
        "Ömər",
        "Ilqar",
        "İlahə",
        "Ağası",
        "Əli",
        "Xədicə",
        "Həsən",
        "Qasım",
        "Kənan",
        "Elvin",
        "Ceyhun",
        "Ğ",
        "Gülər",
        "Sənan",
        "Tural",
        "Vüqar",
        "Yusif",
        "Jalə",
        "Fuad",
        "Bəxtiyar",
        "Dilarə",
        "Leyla",
        "Murad",
        "Nigar",
        "Orxan",
        "Pərvanə",
        "Rəşad",
        "Ulvi",
    ];
    names.sort_by(|a, b| compare_az(a, b));
    assert_eq!(
        names,
        vec![
            "Ağası",
            "Bəxtiyar",
            "Ceyhun",
            "Çiçək",
            "Dilarə",
            "Elvin",
            "Əli",
            "Fuad",
            "Gülər",
            "Ğ",
            "Həsən",
            "Xədicə",
            "Ilqar",
            "İlahə",
            "Jalə",
            "Kənan",
            "Qasım",
            "Leyla",
            "Murad",
            "Nigar",
            "Orxan",
            "Ömər",
            "Pərvanə",
            "Rəşad",
            "Sənan",
            "Şəbnəm",
            "Tural",
            "Ulvi",
            "Ülkər",
            "Vüqar",
            "Yusif",
            "Zəhra",
        ]
    );
}

#[test]
fn order_ignores_case_and_handles_prefixes() {
    assert_eq!(
        compare_az("ıldırım", "İlkin"),
        std::cmp::Ordering::Less,
        "ı before i"
    );
    assert_eq!(
        compare_az("Əli", "əliyev"),
        std::cmp::Ordering::Less,
        "prefix first"
    );
    assert_eq!(
        compare_az("ƏLİ", "əli"),
        std::cmp::Ordering::Less,
        "equal letters tie-break on the exact text, deterministically"
    );
    assert_eq!(CollationKey::new("ƏLİ"), CollationKey::new("əli"));
}

#[test]
fn turkic_casing_and_search_folding() {
    assert_eq!(turkic_lowercase("IŞIQ İĞNƏ"), "ışıq iğnə");
    assert_eq!(turkic_uppercase("ışıq iğnə"), "IŞIQ İĞNƏ");
    let haystack = fold_for_search("İsmayıllı rayonu");
    for query in [
        "i",
        "ismayıllı",
        "Ismayilli",
        "İSMAYILLI",
        "ismay",
        "rayon ismayilli",
    ] {
        assert!(
            matches_query(&haystack, &fold_for_search(query)),
            "{query:?} finds İsmayıllı"
        );
    }
    assert!(!matches_query(&haystack, &fold_for_search("qəbələ")));
    assert!(matches_query(
        &fold_for_search("Şəki"),
        &fold_for_search("seki")
    ));
    assert!(matches_query(
        &fold_for_search("Ёлкина"),
        &fold_for_search("елкина")
    ));
}

fn registry_children() -> Vec<Child> {
    let mut a = child("C-0003", "Şəbnəm", "Əliyeva");
    a.id = Some(1);
    a.location.district_code = String::from("AZ-ISM");
    a.location.lat = 40.78;
    a.location.lon = 48.15;
    a.urgency = Urgency::Emergency;
    a.referral_date = date(2025, 1, 10);
    let mut b = child("C-0001", "Çiçək", "Cəfərova");
    b.id = Some(2);
    b.needs.clear();
    b.referral_date = date(2026, 3, 1);
    let mut c = child("C-0002", "Ilqar", "İsmayılov");
    c.id = Some(3);
    c.status = ChildStatus::Placed;
    c.urgency = Urgency::Routine;
    c.birth_date = date(2012, 1, 1);
    vec![a, b, c]
}

#[test]
fn child_list_search_filters_and_sorts() {
    let g = gazetteer();
    let children = registry_children();
    let index = ChildIndex::build(&children, &g);
    let codes = |rows: Vec<usize>| {
        rows.into_iter()
            .map(|i| children[i].code.clone())
            .collect::<Vec<_>>()
    };
    let run = |q: ChildQuery| codes(index.query(&children, &q, today()));

    // Azerbaijani order of family names: C < Ə < İ.
    assert_eq!(run(ChildQuery::default()), ["C-0001", "C-0003", "C-0002"]);
    // By district name, in any language, without special letters.
    assert_eq!(
        run(ChildQuery {
            text: String::from("ismayilli"),
            ..Default::default()
        }),
        ["C-0003"]
    );
    assert_eq!(
        run(ChildQuery {
            text: String::from("Исмаилл"),
            ..Default::default()
        }),
        ["C-0003"]
    );
    // By name with Turkic casing, and by code.
    assert_eq!(
        run(ChildQuery {
            text: String::from("İSMAYILOV"),
            ..Default::default()
        }),
        ["C-0002"]
    );
    assert_eq!(
        run(ChildQuery {
            text: String::from("c-0001"),
            ..Default::default()
        }),
        ["C-0001"]
    );
    assert_eq!(
        run(ChildQuery {
            status: Some(ChildStatus::Placed),
            ..Default::default()
        }),
        ["C-0002"]
    );
    assert_eq!(
        run(ChildQuery {
            urgency: Some(Urgency::Emergency),
            ..Default::default()
        }),
        ["C-0003"]
    );
    assert_eq!(
        run(ChildQuery {
            need: Some(Need::Learning),
            ..Default::default()
        }),
        ["C-0003", "C-0002"]
    );
    assert_eq!(
        run(ChildQuery {
            district: Some(String::from("AZ-BA")),
            ..Default::default()
        }),
        ["C-0001", "C-0002"]
    );
    assert_eq!(
        run(ChildQuery {
            waiting_over_days: Some(365),
            ..Default::default()
        }),
        ["C-0003"]
    );
    assert_eq!(
        run(ChildQuery {
            sort: ChildSort::Urgency,
            ..Default::default()
        }),
        ["C-0003", "C-0001", "C-0002"]
    );
    assert_eq!(
        run(ChildQuery {
            sort: ChildSort::Age,
            ..Default::default()
        }),
        ["C-0001", "C-0003", "C-0002"]
    );
    assert_eq!(
        run(ChildQuery {
            sort: ChildSort::DaysWaiting,
            ..Default::default()
        }),
        ["C-0003", "C-0002", "C-0001"]
    );
}

#[test]
fn family_list_filters_free_places_and_overdue_reviews() {
    let g = gazetteer();
    let mut full = full_family("F-0002");
    full.id = Some(2);
    full.main_carer.full_name = String::from("Zeynalova Aynur");
    let mut overdue = full_family("F-0001");
    overdue.id = Some(1);
    overdue.main_carer.full_name = String::from("Çələbiyeva Könül");
    overdue.review_due = Some(date(2026, 3, 1));
    let families = vec![full, overdue];
    let occupied = HashMap::from([(2, 2)]);
    let index = FamilyIndex::build(&families, &g);
    let codes = |q: FamilyQuery| {
        index
            .query(&families, &occupied, &q, today())
            .into_iter()
            .map(|i| families[i].code.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(FamilyQuery::default()),
        ["F-0001", "F-0002"],
        "Ç before Z"
    );
    assert_eq!(
        codes(FamilyQuery {
            with_free_places: true,
            ..Default::default()
        }),
        ["F-0001"]
    );
    assert_eq!(
        codes(FamilyQuery {
            review_overdue: true,
            ..Default::default()
        }),
        ["F-0001"]
    );
    assert_eq!(
        codes(FamilyQuery {
            text: String::from("xirdalan"),
            ..Default::default()
        }),
        ["F-0001", "F-0002"]
    );
    assert_eq!(
        codes(FamilyQuery {
            text: String::from("501234567"),
            ..Default::default()
        }),
        ["F-0001", "F-0002"],
        "by phone digits"
    );
    assert_eq!(
        codes(FamilyQuery {
            care_type: Some(CareType::Emergency),
            ..Default::default()
        }),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(FamilyQuery {
            sort: FamilySort::FreePlaces,
            ..Default::default()
        }),
        ["F-0001", "F-0002"]
    );
}
