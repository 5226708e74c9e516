//! The registry's validation rules, in one place. The window shows each error next to its
//! field (by the field's path), the store refuses to write a record that has any, and the
//! command line prints them.

use chrono::NaiveDate;

use super::codes::FamilyStatus;
use super::model::{Child, Family, Location, SiblingGroup, age_in_years};
use super::places::Places;

/// Minimum age of a foster carer (legal adulthood).
pub const MIN_CARER_AGE: u32 = 18;
/// Children are under 18; an approved age range ends at 17 at most.
pub const MAX_CHILD_AGE: u8 = 17;
pub const MAX_PLACES: u8 = 10;
pub const MAX_DISTANCE_LIMIT_KM: f64 = 1000.0;
pub const MAX_CODE_LEN: usize = 32;

/// One broken rule: which field (a path such as `main_carer.birth_date` or
/// `household.2.full_name`), a locale key for the message, and the values it mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValidationErrors {
    pub errors: Vec<FieldError>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, key: &'static str) {
        self.push_with(field, key, Vec::new());
    }

    pub fn push_with(
        &mut self,
        field: impl Into<String>,
        key: &'static str,
        args: Vec<(&'static str, String)>,
    ) {
        self.errors.push(FieldError {
            field: field.into(),
            key,
            args,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The first error of a field, for showing beside it.
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }

    pub fn extend(&mut self, other: ValidationErrors) {
        self.errors.extend(other.errors);
    }

    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

// Shown in words by `crate::i18n` (Display, in English).
impl std::error::Error for ValidationErrors {}

/// What the rules need to know beyond the record itself.
pub struct Context<'a> {
    pub today: NaiveDate,
    /// The gazetteer (`crate::geo::Gazetteer`), or any other source of places.
    pub gazetteer: &'a dyn Places,
}

fn check_code(code: &str, errors: &mut ValidationErrors) {
    if code.trim().is_empty() {
        errors.push("code", "error.required");
    } else if code.chars().count() > MAX_CODE_LEN || code.chars().any(char::is_whitespace) {
        errors.push_with(
            "code",
            "error.code_format",
            vec![("max", MAX_CODE_LEN.to_string())],
        );
    }
}

fn check_past_date(
    date: Option<NaiveDate>,
    field: &str,
    today: NaiveDate,
    errors: &mut ValidationErrors,
) {
    if let Some(date) = date
        && date > today
    {
        errors.push(field, "error.date_in_future");
    }
}

fn check_phone(phone: &str, field: &str, errors: &mut ValidationErrors) {
    if phone.is_empty() {
        return;
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    if !allowed || !(7..=15).contains(&digits) {
        errors.push(field, "error.phone_invalid");
    }
}

/// Azerbaijan's extent with a margin; coordinates outside it are almost surely a typing error.
fn inside_azerbaijan(lat: f64, lon: f64) -> bool {
    (38.2..=42.0).contains(&lat) && (44.6..=51.0).contains(&lon)
}

fn check_location(location: &Location, ctx: &Context<'_>, errors: &mut ValidationErrors) {
    if location.district_code.is_empty() {
        errors.push("location.district", "error.district_missing");
    } else if !ctx.gazetteer.is_district(&location.district_code) {
        errors.push_with(
            "location.district",
            "error.district_unknown",
            vec![("code", location.district_code.clone())],
        );
    } else if let Some(settlement) = &location.settlement_code
        && !ctx
            .gazetteer
            .settlement_in_district(settlement, &location.district_code)
    {
        errors.push("location.settlement", "error.settlement_not_in_district");
    }
    // Coordinates come with the district (picking one fills them in): without a district
    // the district's own error says what to do.
    if !location.district_code.is_empty()
        && (!location.lat.is_finite()
            || !location.lon.is_finite()
            || !inside_azerbaijan(location.lat, location.lon))
    {
        errors.push("location.coordinates", "error.coordinates_outside");
    }
}

/// Checks a family. `occupied` is the number of its places taken by active placements.
pub fn validate_family(family: &Family, occupied: u32, ctx: &Context<'_>) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let today = ctx.today;
    check_code(&family.code, &mut errors);

    if family.main_carer.full_name.trim().is_empty() {
        errors.push("main_carer.full_name", "error.required");
    }
    for (prefix, carer) in [
        ("main_carer", Some(&family.main_carer)),
        ("second_carer", family.second_carer.as_ref()),
    ] {
        let Some(carer) = carer else { continue };
        if prefix == "second_carer" && !carer.is_blank() && carer.full_name.trim().is_empty() {
            errors.push("second_carer.full_name", "error.required");
        }
        let field = format!("{prefix}.birth_date");
        match carer.birth_date {
            Some(birth) if birth > today => errors.push(field, "error.date_in_future"),
            Some(birth) if age_in_years(birth, today) < MIN_CARER_AGE => errors.push_with(
                field,
                "error.carer_too_young",
                vec![("min", MIN_CARER_AGE.to_string())],
            ),
            _ => {}
        }
        check_phone(&carer.phone, &format!("{prefix}.phone"), &mut errors);
    }

    check_location(&family.location, ctx, &mut errors);

    for (i, member) in family.household.iter().enumerate() {
        if member.full_name.trim().is_empty() {
            errors.push(format!("household.{i}.full_name"), "error.required");
        }
        check_past_date(
            member.birth_date,
            &format!("household.{i}.birth_date"),
            today,
            &mut errors,
        );
    }

    let terms = &family.terms;
    if terms.age_min > terms.age_max {
        errors.push("terms.age_max", "error.age_range_reversed");
    }
    if terms.age_max > MAX_CHILD_AGE {
        errors.push_with(
            "terms.age_max",
            "error.age_over_limit",
            vec![("max", MAX_CHILD_AGE.to_string())],
        );
    }
    if terms.places > MAX_PLACES {
        errors.push_with(
            "terms.places",
            "error.places_over_limit",
            vec![("max", MAX_PLACES.to_string())],
        );
    } else if u32::from(terms.places) < occupied {
        errors.push_with(
            "terms.places",
            "error.places_below_occupied",
            vec![("occupied", occupied.to_string())],
        );
    }

    check_past_date(family.approval_date, "approval_date", today, &mut errors);
    if family.status == FamilyStatus::Approved {
        if family.approval_date.is_none() {
            errors.push("approval_date", "error.required_when_approved");
        }
        if family.review_due.is_none() {
            errors.push("review_due", "error.required_when_approved");
        }
        if terms.care_types.is_empty() {
            errors.push("terms.care_types", "error.care_types_missing");
        }
        if terms.places == 0 {
            errors.push("terms.places", "error.places_zero_approved");
        }
    }
    if let (Some(approved), Some(due)) = (family.approval_date, family.review_due)
        && due <= approved
    {
        errors.push("review_due", "error.review_before_approval");
    }

    for (i, record) in family.training.iter().enumerate() {
        if record.course.trim().is_empty() {
            errors.push(format!("training.{i}.course"), "error.required");
        }
        check_past_date(
            Some(record.completed_on),
            &format!("training.{i}.completed_on"),
            today,
            &mut errors,
        );
    }
    for (i, check) in family.checks.iter().enumerate() {
        check_past_date(
            Some(check.done_on),
            &format!("checks.{i}.done_on"),
            today,
            &mut errors,
        );
    }
    errors
}

/// Checks a child, with the sibling group it is (to be) in.
pub fn validate_child(
    child: &Child,
    group: Option<&SiblingGroup>,
    ctx: &Context<'_>,
) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let today = ctx.today;
    check_code(&child.code, &mut errors);
    if child.first_name.trim().is_empty() {
        errors.push("first_name", "error.required");
    }
    if child.last_name.trim().is_empty() {
        errors.push("last_name", "error.required");
    }
    if child.birth_date > today {
        errors.push("birth_date", "error.date_in_future");
    } else if age_in_years(child.birth_date, today) > u32::from(MAX_CHILD_AGE) {
        errors.push("birth_date", "error.child_adult");
    }
    if child.referral_date > today {
        errors.push("referral_date", "error.date_in_future");
    } else if child.referral_date < child.birth_date {
        errors.push("referral_date", "error.referral_before_birth");
    }
    check_location(&child.location, ctx, &mut errors);
    if let Some(limit) = child.max_distance_km
        && !(limit.is_finite() && limit > 0.0 && limit <= MAX_DISTANCE_LIMIT_KM)
    {
        errors.push_with(
            "max_distance_km",
            "error.distance_invalid",
            vec![("max", MAX_DISTANCE_LIMIT_KM.to_string())],
        );
    }
    if let Some(group) = group {
        errors.extend(validate_group(group));
    }
    errors
}

/// A group may be placed apart only with a written reason.
pub fn validate_group(group: &SiblingGroup) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if group.code.trim().is_empty() {
        errors.push("group.code", "error.required");
    }
    if group.may_split && group.split_reason.trim().is_empty() {
        errors.push("group.split_reason", "error.split_reason_required");
    }
    errors
}
