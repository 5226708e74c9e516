//! Eligibility and the six compatibility rules of the contract (the module documentation of
//! [`crate::matching`]) applied to an instance's records, each with the values it compared,
//! and the value a placement adds to the objective.

use super::instance::{ChildData, FamilyData, Problem};
use crate::domain::advice::{RuleOutcome, RuleValues};
use crate::domain::compatibility::{self, ChildSide, FamilySide};
use crate::domain::{Urgency, age_in_years};
use crate::geo::haversine_km;

pub use crate::domain::compatibility::{Ineligibility, Rule};

pub fn eligibility(family: &FamilyData, problem: &Problem) -> Result<(), Ineligibility> {
    compatibility::eligibility(
        family.status,
        family.review_due,
        family.free_places(),
        problem.planning_date,
    )
}

/// The six rules for one child and one family.
#[derive(Debug, Clone, PartialEq)]
pub struct PairCheck {
    pub age: u32,
    pub distance_km: f64,
    pub limit_km: f64,
    pub failed: Vec<Rule>,
}

impl PairCheck {
    pub fn compatible(&self) -> bool {
        self.failed.is_empty()
    }
}

/// The child's distance limit: their own if set, else the planning setting.
pub fn distance_limit(child: &ChildData, problem: &Problem) -> f64 {
    child
        .max_distance_km
        .unwrap_or(problem.settings.max_distance_km)
}

pub fn distance(child: &ChildData, family: &FamilyData) -> f64 {
    haversine_km(child.lat, child.lon, family.lat, family.lon)
}

pub fn check_pair(problem: &Problem, c: usize, f: usize) -> PairCheck {
    let child = &problem.children[c];
    let family = &problem.families[f];
    let age = age_in_years(child.birth_date, problem.planning_date);
    let distance_km = distance(child, family);
    let limit_km = distance_limit(child, problem);
    let failed = compatibility::failed_rules(
        &ChildSide {
            age,
            sex: child.sex,
            care_type: child.care_type,
            needs: &child.needs,
        },
        &FamilySide {
            age_min: family.age_min,
            age_max: family.age_max,
            sex: family.sex,
            care_types: &family.care_types,
            needs: &family.needs,
        },
        distance_km,
        limit_km,
        problem.excluded.contains(&(c, f)),
    );
    PairCheck {
        age,
        distance_km,
        limit_km,
        failed,
    }
}

/// Every rule with the values compared.
pub fn rule_outcomes(problem: &Problem, c: usize, f: usize, check: &PairCheck) -> Vec<RuleOutcome> {
    let child = &problem.children[c];
    let family = &problem.families[f];
    let outcome = |values: RuleValues| {
        let rule = RuleOutcome {
            passed: true,
            values,
        };
        RuleOutcome {
            passed: !check.failed.contains(&rule.rule()),
            ..rule
        }
    };
    vec![
        outcome(RuleValues::Age {
            child_age: check.age,
            age_min: family.age_min,
            age_max: family.age_max,
        }),
        outcome(RuleValues::CareType {
            child: child.care_type,
            family: family.care_types.clone(),
        }),
        outcome(RuleValues::Needs {
            child: child.needs.clone(),
            family: family.needs.clone(),
        }),
        outcome(RuleValues::Sex {
            child: child.sex,
            family: family.sex,
        }),
        outcome(RuleValues::Distance {
            distance_km: check.distance_km,
            limit_km: check.limit_km,
        }),
        outcome(RuleValues::Excluded {
            child: child.id.clone(),
            excluded: check.failed.contains(&Rule::Excluded),
        }),
    ]
}

pub fn priority(urgency: Urgency) -> f64 {
    match urgency {
        Urgency::Routine => 1.0,
        Urgency::Priority => 2.0,
        Urgency::Emergency => 3.0,
    }
}

/// True when the family speaks none of the child's languages.
pub fn language_mismatch(child: &ChildData, family: &FamilyData) -> bool {
    !child.languages.iter().any(|l| family.languages.contains(l))
}

/// What placing the child with the family adds to the objective:
/// W_place·P(c) − W_km·d(c,f) − W_lang·mismatch(c,f).
pub fn pair_value(problem: &Problem, c: usize, f: usize, distance_km: f64) -> f64 {
    let w = problem.settings.weights;
    let child = &problem.children[c];
    let mismatch = if language_mismatch(child, &problem.families[f]) {
        1.0
    } else {
        0.0
    };
    w.place * priority(child.urgency) - w.km * distance_km - w.language * mismatch
}
