//! The registry's validation rules, one by one, with the field each error is shown next to.

mod common;

use common::*;
use yuva::domain::validation::{validate_child, validate_family, validate_group};
use yuva::domain::*;

fn family_errors(family: &Family, occupied: u32) -> Vec<(String, &'static str)> {
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    validate_family(family, occupied, &ctx)
        .errors
        .into_iter()
        .map(|e| (e.field, e.key))
        .collect()
}

fn child_errors(child: &Child, group: Option<&SiblingGroup>) -> Vec<(String, &'static str)> {
    let g = gazetteer();
    let ctx = Context {
        today: today(),
        gazetteer: &g,
    };
    validate_child(child, group, &ctx)
        .errors
        .into_iter()
        .map(|e| (e.field, e.key))
        .collect()
}

fn has(errors: &[(String, &'static str)], field: &str, key: &str) -> bool {
    errors.iter().any(|(f, k)| f == field && *k == key)
}

#[test]
fn a_complete_family_and_child_are_valid() {
    assert_eq!(family_errors(&full_family("F-0001"), 0), vec![]);
    assert_eq!(
        child_errors(&child("C-0001", "Aysel", "Əliyeva"), None),
        vec![]
    );
}

#[test]
fn family_rules() {
    let base = full_family("F-0001");
    let check = |change: &dyn Fn(&mut Family), field: &str, key: &str| {
        let mut f = base.clone();
        change(&mut f);
        let errors = family_errors(&f, 0);
        assert!(
            has(&errors, field, key),
            "expected {field}: {key}, got {errors:?}"
        );
    };
    check(&|f| f.code = String::new(), "code", "error.required");
    check(
        &|f| f.code = String::from("F 01"),
        "code",
        "error.code_format",
    );
    check(
        &|f| f.main_carer.full_name = String::from("  "),
        "main_carer.full_name",
        "error.required",
    );
    check(
        &|f| f.main_carer.birth_date = Some(date(2027, 1, 1)),
        "main_carer.birth_date",
        "error.date_in_future",
    );
    check(
        &|f| f.main_carer.birth_date = Some(date(2010, 1, 1)),
        "main_carer.birth_date",
        "error.carer_too_young",
    );
    check(
        &|f| f.main_carer.phone = String::from("12ab"),
        "main_carer.phone",
        "error.phone_invalid",
    );
    check(
        &|f| {
            f.second_carer = Some(Carer {
                full_name: String::new(),
                birth_date: None,
                phone: String::from("+994 50 111 22 33"),
            })
        },
        "second_carer.full_name",
        "error.required",
    );
    check(
        &|f| f.location.district_code.clear(),
        "location.district",
        "error.district_missing",
    );
    check(
        &|f| f.location.district_code = String::from("AZ-XXX"),
        "location.district",
        "error.district_unknown",
    );
    check(
        &|f| f.location.district_code = String::from("AZ-NX"),
        "location.district",
        "error.district_unknown",
    );
    check(
        &|f| f.location.district_code = String::from("AZ-GA"),
        "location.settlement",
        "error.settlement_not_in_district",
    );
    check(
        &|f| f.location.lat = 55.75,
        "location.coordinates",
        "error.coordinates_outside",
    );
    check(
        &|f| f.household[1].full_name.clear(),
        "household.1.full_name",
        "error.required",
    );
    check(
        &|f| f.household[0].birth_date = Some(date(2026, 3, 16)),
        "household.0.birth_date",
        "error.date_in_future",
    );
    check(
        &|f| {
            f.terms.age_min = 9;
            f.terms.age_max = 3;
        },
        "terms.age_max",
        "error.age_range_reversed",
    );
    check(
        &|f| f.terms.age_max = 18,
        "terms.age_max",
        "error.age_over_limit",
    );
    check(
        &|f| f.terms.places = 11,
        "terms.places",
        "error.places_over_limit",
    );
    check(
        &|f| f.approval_date = None,
        "approval_date",
        "error.required_when_approved",
    );
    check(
        &|f| f.review_due = None,
        "review_due",
        "error.required_when_approved",
    );
    check(
        &|f| f.terms.care_types.clear(),
        "terms.care_types",
        "error.care_types_missing",
    );
    check(
        &|f| f.terms.places = 0,
        "terms.places",
        "error.places_zero_approved",
    );
    check(
        &|f| f.review_due = Some(date(2025, 5, 1)),
        "review_due",
        "error.review_before_approval",
    );
    check(
        &|f| f.approval_date = Some(date(2026, 4, 1)),
        "approval_date",
        "error.date_in_future",
    );
    check(
        &|f| f.training[0].course.clear(),
        "training.0.course",
        "error.required",
    );
    check(
        &|f| f.checks[1].done_on = date(2026, 12, 1),
        "checks.1.done_on",
        "error.date_in_future",
    );

    // Places below those occupied by active placements.
    let errors = family_errors(&base, 3);
    assert!(
        has(&errors, "terms.places", "error.places_below_occupied"),
        "{errors:?}"
    );
    // An applicant needs no approval dates or care types yet.
    let mut applicant = base.clone();
    applicant.status = FamilyStatus::Applicant;
    applicant.approval_date = None;
    applicant.review_due = None;
    applicant.terms.care_types.clear();
    assert_eq!(family_errors(&applicant, 0), vec![]);
}

#[test]
fn child_rules() {
    let base = child("C-0001", "Aysel", "Əliyeva");
    let check = |change: &dyn Fn(&mut Child), field: &str, key: &str| {
        let mut c = base.clone();
        change(&mut c);
        let errors = child_errors(&c, None);
        assert!(
            has(&errors, field, key),
            "expected {field}: {key}, got {errors:?}"
        );
    };
    check(&|c| c.first_name.clear(), "first_name", "error.required");
    check(&|c| c.last_name.clear(), "last_name", "error.required");
    check(
        &|c| c.birth_date = date(2026, 3, 16),
        "birth_date",
        "error.date_in_future",
    );
    check(
        &|c| c.birth_date = date(2008, 3, 15),
        "birth_date",
        "error.child_adult",
    );
    check(
        &|c| c.referral_date = date(2026, 4, 1),
        "referral_date",
        "error.date_in_future",
    );
    check(
        &|c| c.referral_date = date(2018, 1, 1),
        "referral_date",
        "error.referral_before_birth",
    );
    check(
        &|c| c.max_distance_km = Some(0.0),
        "max_distance_km",
        "error.distance_invalid",
    );
    check(
        &|c| c.max_distance_km = Some(f64::NAN),
        "max_distance_km",
        "error.distance_invalid",
    );
    check(
        &|c| c.location.district_code.clear(),
        "location.district",
        "error.district_missing",
    );

    // A child who turns 18 tomorrow is still a child today.
    let mut nearly_adult = base.clone();
    nearly_adult.birth_date = date(2008, 3, 16);
    assert_eq!(child_errors(&nearly_adult, None), vec![]);
}

#[test]
fn sibling_groups_may_split_only_with_a_written_reason() {
    let mut group = SiblingGroup {
        id: None,
        code: String::from("G-0001"),
        may_split: true,
        split_reason: String::from("  "),
    };
    let errors = validate_group(&group);
    assert_eq!(errors.errors.len(), 1);
    assert_eq!(errors.errors[0].field, "group.split_reason");
    assert_eq!(errors.errors[0].key, "error.split_reason_required");
    let child_with_group = child_errors(&child("C-0001", "Aysel", "Əliyeva"), Some(&group));
    assert!(has(
        &child_with_group,
        "group.split_reason",
        "error.split_reason_required"
    ));
    group.split_reason = String::from("Psixoloqun rəyi var.");
    assert!(validate_group(&group).is_empty());
}

#[test]
fn error_messages_are_translated_with_their_values() {
    use yuva::i18n::{Lang, tr_args};
    let args = [("occupied", String::from("2"))];
    assert_eq!(
        tr_args(Lang::Az, "error.places_below_occupied", &args),
        "2 yer tutulub: yerlərin sayı bundan az ola bilməz."
    );
    assert_eq!(
        tr_args(Lang::Ru, "error.places_below_occupied", &args),
        "Занято мест: 2; мест не может быть меньше."
    );
    assert_eq!(
        tr_args(Lang::En, "error.places_below_occupied", &args),
        "2 places are occupied: places cannot be fewer."
    );
}
