//! Plain records of the registry (coded values in [`crate::domain::codes`]). They carry no
//! database or window code.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::*;
use super::text::normalize;

/// A carer of a foster household.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Carer {
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: String,
}

impl Carer {
    pub fn is_blank(&self) -> bool {
        self.full_name.is_empty() && self.birth_date.is_none() && self.phone.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdMember {
    pub full_name: String,
    pub relation: Relation,
    pub birth_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub course: String,
    pub completed_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub kind: CheckKind,
    pub done_on: NaiveDate,
    pub outcome: CheckOutcome,
    pub note: String,
}

/// Where a household or a child lives: a district (or city) of the gazetteer, optionally a
/// settlement in it, and the coordinates used for distances.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Location {
    pub address: String,
    pub district_code: String,
    pub settlement_code: Option<String>,
    pub lat: f64,
    pub lon: f64,
}

/// What a family is approved to offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermsOfApproval {
    pub care_types: BTreeSet<CareType>,
    pub age_min: u8,
    pub age_max: u8,
    pub sex_preference: SexPreference,
    pub places: u8,
    pub needs: BTreeSet<Need>,
}

impl Default for TermsOfApproval {
    fn default() -> Self {
        TermsOfApproval {
            care_types: BTreeSet::new(),
            age_min: 0,
            age_max: 17,
            sex_preference: SexPreference::Any,
            places: 1,
            needs: BTreeSet::new(),
        }
    }
}

/// A foster household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Family {
    /// Database id; `None` until first saved.
    pub id: Option<i64>,
    pub code: String,
    pub main_carer: Carer,
    pub second_carer: Option<Carer>,
    pub location: Location,
    pub household: Vec<HouseholdMember>,
    pub languages: BTreeSet<Language>,
    pub religion: Option<Religion>,
    pub status: FamilyStatus,
    pub approval_date: Option<NaiveDate>,
    pub review_due: Option<NaiveDate>,
    pub terms: TermsOfApproval,
    pub training: Vec<TrainingRecord>,
    pub checks: Vec<Check>,
    pub notes: String,
}

impl Family {
    pub fn new(code: impl Into<String>) -> Self {
        Family {
            id: None,
            code: code.into(),
            main_carer: Carer::default(),
            second_carer: None,
            location: Location::default(),
            household: Vec::new(),
            languages: BTreeSet::new(),
            religion: None,
            status: FamilyStatus::Applicant,
            approval_date: None,
            review_due: None,
            terms: TermsOfApproval::default(),
            training: Vec::new(),
            checks: Vec::new(),
            notes: String::new(),
        }
    }

    /// A short display name: the carers' names.
    pub fn display_name(&self) -> String {
        match &self.second_carer {
            Some(second) if !second.full_name.is_empty() => {
                format!("{} / {}", self.main_carer.full_name, second.full_name)
            }
            _ => self.main_carer.full_name.clone(),
        }
    }

    /// True when the review date has passed on `today`.
    pub fn review_overdue(&self, today: NaiveDate) -> bool {
        self.review_due.is_some_and(|due| due < today)
    }
}

/// A child who needs (or has had) care.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Child {
    pub id: Option<i64>,
    pub code: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub birth_date_estimated: bool,
    pub sex: Sex,
    pub legal_status: LegalStatus,
    pub situation: Situation,
    pub location: Location,
    pub school: String,
    pub languages: BTreeSet<Language>,
    pub needs: BTreeSet<Need>,
    pub needs_description: String,
    pub urgency: Urgency,
    pub care_type: CareType,
    /// Sibling group (database id of a [`SiblingGroup`]); `None` for a child without siblings
    /// in care.
    pub sibling_group_id: Option<i64>,
    pub wishes: String,
    pub contact_arrangements: String,
    pub status: ChildStatus,
    pub referral_date: NaiveDate,
    /// The child's own distance limit, when it is stricter or looser than the planning one.
    pub max_distance_km: Option<f64>,
    pub notes: String,
}

impl Child {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn age_on(&self, date: NaiveDate) -> u32 {
        age_in_years(self.birth_date, date)
    }

    pub fn days_waiting(&self, today: NaiveDate) -> i64 {
        (today - self.referral_date).num_days().max(0)
    }
}

/// Siblings in care. A group stays together unless it is marked `may_split`, which needs a
/// written reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiblingGroup {
    pub id: Option<i64>,
    pub code: String,
    pub may_split: bool,
    pub split_reason: String,
}

impl Carer {
    fn normalized(&self) -> Carer {
        Carer {
            full_name: normalize(&self.full_name),
            birth_date: self.birth_date,
            phone: self.phone.trim().to_owned(),
        }
    }
}

impl Location {
    fn normalized(&self) -> Location {
        Location {
            address: normalize(&self.address),
            ..self.clone()
        }
    }
}

impl Family {
    /// The record as it is stored: text NFC-normalised and trimmed, a blank second carer
    /// dropped.
    pub fn normalized(&self) -> Family {
        Family {
            code: normalize(&self.code),
            main_carer: self.main_carer.normalized(),
            second_carer: self
                .second_carer
                .as_ref()
                .filter(|c| !c.is_blank())
                .map(Carer::normalized),
            location: self.location.normalized(),
            household: self
                .household
                .iter()
                .map(|m| HouseholdMember {
                    full_name: normalize(&m.full_name),
                    ..m.clone()
                })
                .collect(),
            training: self
                .training
                .iter()
                .map(|t| TrainingRecord {
                    course: normalize(&t.course),
                    ..t.clone()
                })
                .collect(),
            checks: self
                .checks
                .iter()
                .map(|c| Check {
                    note: normalize(&c.note),
                    ..c.clone()
                })
                .collect(),
            notes: normalize(&self.notes),
            ..self.clone()
        }
    }
}

impl Child {
    /// The record as it is stored: text NFC-normalised and trimmed.
    pub fn normalized(&self) -> Child {
        Child {
            code: normalize(&self.code),
            first_name: normalize(&self.first_name),
            last_name: normalize(&self.last_name),
            location: self.location.normalized(),
            school: normalize(&self.school),
            needs_description: normalize(&self.needs_description),
            wishes: normalize(&self.wishes),
            contact_arrangements: normalize(&self.contact_arrangements),
            notes: normalize(&self.notes),
            ..self.clone()
        }
    }
}

impl SiblingGroup {
    pub fn normalized(&self) -> SiblingGroup {
        SiblingGroup {
            code: normalize(&self.code),
            split_reason: normalize(&self.split_reason),
            ..self.clone()
        }
    }
}

/// Whole years of age on `date`, counted the usual way: a child born 2019-05-01 is 6 on
/// 2026-04-30 and 7 on 2026-05-01 (one born on 29 February turns a year older on 1 March in
/// non-leap years). Zero before birth.
pub fn age_in_years(birth: NaiveDate, date: NaiveDate) -> u32 {
    use chrono::Datelike;
    if date < birth {
        return 0;
    }
    let mut years = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Parses a date as people type it here: `DD.MM.YYYY` (the usual form in Azerbaijan) or ISO
/// `YYYY-MM-DD`.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let input = input.trim();
    NaiveDate::parse_from_str(input, "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(input, "%Y-%m-%d"))
        .ok()
        .filter(|d| {
            use chrono::Datelike;
            (1900..=2200).contains(&d.year())
        })
}

/// Why text is not a date: the locale key of the message. Text in the right form that names
/// no day ("31.02.2026") is told so, rather than asked for the form it already has.
pub fn date_error_key(input: &str) -> &'static str {
    let parts: Vec<&str> = input.trim().split('.').collect();
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    match parts.as_slice() {
        [d, m, y] if digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) => {
            "error.no_such_date"
        }
        _ => "error.invalid_date",
    }
}

/// Formats a date the way it is shown and typed in the window (`DD.MM.YYYY`).
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_in_years(d(2019, 5, 1), d(2026, 4, 30)), 6);
        assert_eq!(age_in_years(d(2019, 5, 1), d(2026, 5, 1)), 7);
        assert_eq!(age_in_years(d(2020, 2, 29), d(2021, 2, 28)), 0);
        assert_eq!(age_in_years(d(2020, 2, 29), d(2021, 3, 1)), 1);
        assert_eq!(age_in_years(d(2020, 1, 1), d(2019, 1, 1)), 0);
    }

    #[test]
    fn dates_parse_in_both_forms() {
        assert_eq!(parse_date("01.05.2019"), Some(d(2019, 5, 1)));
        assert_eq!(parse_date(" 2019-05-01 "), Some(d(2019, 5, 1)));
        assert_eq!(parse_date("2019-13-01"), None);
        assert_eq!(parse_date("31.02.2020"), None);
        assert_eq!(parse_date(""), None);
    }
}
