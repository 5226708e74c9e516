//! The placement rules of the matching contract (see `crate::matching`), on plain values: which
//! families can take anyone on a date, and the six compatibility rules of a child and a family.
//! The optimizer applies them to every pair it considers, and the panel's decision re-checks a
//! proposed pair with the same functions, so that both always agree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::{CareType, FamilyStatus, Need, Sex, SexPreference};
use super::model::{Child, Family, age_in_years};
use super::workflow::Refusal;

/// The distance limit of a run when neither the child nor the settings set another.
pub const DEFAULT_DISTANCE_LIMIT_KM: f64 = 100.0;

/// The compatibility rules, in the contract's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Age,
    CareType,
    Needs,
    Sex,
    Distance,
    Excluded,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::Age,
        Rule::CareType,
        Rule::Needs,
        Rule::Sex,
        Rule::Distance,
        Rule::Excluded,
    ];

    /// The rule's code in files and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Rule::Age => "age",
            Rule::CareType => "care_type",
            Rule::Needs => "needs",
            Rule::Sex => "sex",
            Rule::Distance => "distance",
            Rule::Excluded => "excluded",
        }
    }

    /// The locale key of the rule's name.
    pub fn locale_key(self) -> String {
        format!("rule.{}", self.code())
    }
}

/// Why a family cannot take anyone on the planning date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ineligibility {
    NotApproved,
    ReviewLapsed,
    NoFreePlaces,
}

impl Ineligibility {
    /// The refusal key a decision shows for it.
    pub fn refusal_key(self) -> &'static str {
        match self {
            Ineligibility::NotApproved => "refusal.family_not_approved",
            Ineligibility::ReviewLapsed => "refusal.review_lapsed",
            Ineligibility::NoFreePlaces => "refusal.family_full",
        }
    }
}

/// A family can take a child on `date` when it is approved, its review is not past due and it
/// has a free place.
pub fn eligibility(
    status: FamilyStatus,
    review_due: Option<NaiveDate>,
    free_places: u32,
    date: NaiveDate,
) -> Result<(), Ineligibility> {
    if status != FamilyStatus::Approved {
        return Err(Ineligibility::NotApproved);
    }
    match review_due {
        Some(due) if due >= date => {}
        _ => return Err(Ineligibility::ReviewLapsed),
    }
    if free_places == 0 {
        return Err(Ineligibility::NoFreePlaces);
    }
    Ok(())
}

/// The child's side of the rules.
#[derive(Debug, Clone, Copy)]
pub struct ChildSide<'a> {
    pub age: u32,
    pub sex: Sex,
    pub care_type: CareType,
    pub needs: &'a [Need],
}

/// The family's side of the rules (its terms of approval).
#[derive(Debug, Clone, Copy)]
pub struct FamilySide<'a> {
    pub age_min: u32,
    pub age_max: u32,
    pub sex: SexPreference,
    pub care_types: &'a [CareType],
    pub needs: &'a [Need],
}

pub fn sex_fits(sex: Sex, preference: SexPreference) -> bool {
    match preference {
        SexPreference::Any => true,
        SexPreference::Female => sex == Sex::Female,
        SexPreference::Male => sex == Sex::Male,
    }
}

/// The rules a pair breaks, in the contract's order (empty: compatible). `distance_km` is the
/// straight-line distance between the child's home and the family's, `limit_km` the child's
/// distance limit, `excluded` whether the pair is excluded.
pub fn failed_rules(
    child: &ChildSide<'_>,
    family: &FamilySide<'_>,
    distance_km: f64,
    limit_km: f64,
    excluded: bool,
) -> Vec<Rule> {
    let mut failed = Vec::new();
    if !(family.age_min..=family.age_max).contains(&child.age) {
        failed.push(Rule::Age);
    }
    if !family.care_types.contains(&child.care_type) {
        failed.push(Rule::CareType);
    }
    if !child.needs.iter().all(|n| family.needs.contains(n)) {
        failed.push(Rule::Needs);
    }
    if !sex_fits(child.sex, family.sex) {
        failed.push(Rule::Sex);
    }
    if distance_km > limit_km {
        failed.push(Rule::Distance);
    }
    if excluded {
        failed.push(Rule::Excluded);
    }
    failed
}

/// Checks, at a decision, that a proposed pair still holds on `date`: the family eligible
/// (approved, review not lapsed, a free place) and the compatibility rules met, with the
/// distance limit the proposal was made under. `distance_km` is measured by the caller (the
/// gazetteer's geometry is not part of the domain).
pub fn recheck_pair(
    family: &Family,
    occupied: u32,
    child: &Child,
    date: NaiveDate,
    distance_km: f64,
    limit_km: f64,
) -> Result<(), Refusal> {
    let args = || {
        vec![
            ("child", child.code.clone()),
            ("family", family.code.clone()),
            ("date", super::format_date(date)),
        ]
    };
    let free = u32::from(family.terms.places).saturating_sub(occupied);
    if let Err(why) = eligibility(family.status, family.review_due, free, date) {
        return Err(Refusal::new(why.refusal_key(), args()));
    }
    let needs: Vec<Need> = child.needs.iter().copied().collect();
    let family_needs: Vec<Need> = family.terms.needs.iter().copied().collect();
    let care_types: Vec<CareType> = family.terms.care_types.iter().copied().collect();
    let failed = failed_rules(
        &ChildSide {
            age: age_in_years(child.birth_date, date),
            sex: child.sex,
            care_type: child.care_type,
            needs: &needs,
        },
        &FamilySide {
            age_min: u32::from(family.terms.age_min),
            age_max: u32::from(family.terms.age_max),
            sex: family.terms.sex_preference,
            care_types: &care_types,
            needs: &family_needs,
        },
        distance_km,
        limit_km,
        false,
    );
    if let Some(rule) = failed.first() {
        let mut args = args();
        args.push(("rule", rule.code().to_owned()));
        return Err(Refusal::new("refusal.rule_broken", args));
    }
    Ok(())
}
