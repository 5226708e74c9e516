//! Eligibility and the six compatibility rules of DESIGN §5, each with the values it compared,
//! and the value a placement adds to the objective.

use serde::Serialize;

use super::instance::{ChildData, FamilyData, Problem};
use crate::domain::{FamilyStatus, SexPreference, Urgency, age_in_years};
use crate::geo::haversine_km;

/// The compatibility rules, in the contract's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
}

/// Why a family cannot take anyone on the planning date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ineligibility {
    NotApproved,
    ReviewLapsed,
    NoFreePlaces,
}

pub fn eligibility(family: &FamilyData, problem: &Problem) -> Result<(), Ineligibility> {
    if family.status != FamilyStatus::Approved {
        return Err(Ineligibility::NotApproved);
    }
    match family.review_due {
        Some(due) if due >= problem.planning_date => {}
        _ => return Err(Ineligibility::ReviewLapsed),
    }
    if family.free_places() == 0 {
        return Err(Ineligibility::NoFreePlaces);
    }
    Ok(())
}

/// One rule's outcome with the values compared, for explanations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOutcome {
    pub rule: Rule,
    pub passed: bool,
    /// The child's side of the comparison ("6 years", "long_term", "disability").
    pub child: String,
    /// The family's side ("0–10 years", "short_term, long_term").
    pub family: String,
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
    let mut failed = Vec::new();
    if !(family.age_min..=family.age_max).contains(&age) {
        failed.push(Rule::Age);
    }
    if !family.care_types.contains(&child.care_type) {
        failed.push(Rule::CareType);
    }
    if !child.needs.iter().all(|n| family.needs.contains(n)) {
        failed.push(Rule::Needs);
    }
    let sex_ok = match family.sex {
        SexPreference::Any => true,
        SexPreference::Female => child.sex == crate::domain::Sex::Female,
        SexPreference::Male => child.sex == crate::domain::Sex::Male,
    };
    if !sex_ok {
        failed.push(Rule::Sex);
    }
    if distance_km > limit_km {
        failed.push(Rule::Distance);
    }
    if problem.excluded.contains(&(c, f)) {
        failed.push(Rule::Excluded);
    }
    PairCheck {
        age,
        distance_km,
        limit_km,
        failed,
    }
}

fn codes<T: Serialize>(values: &[T]) -> String {
    let list: Vec<String> = values
        .iter()
        .filter_map(|v| serde_json::to_value(v).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    if list.is_empty() {
        String::from("none")
    } else {
        list.join(", ")
    }
}

/// Every rule with the values compared.
pub fn rule_outcomes(problem: &Problem, c: usize, f: usize, check: &PairCheck) -> Vec<RuleOutcome> {
    let child = &problem.children[c];
    let family = &problem.families[f];
    let passed = |rule| !check.failed.contains(&rule);
    vec![
        RuleOutcome {
            rule: Rule::Age,
            passed: passed(Rule::Age),
            child: format!("{} years", check.age),
            family: format!("{}–{} years", family.age_min, family.age_max),
        },
        RuleOutcome {
            rule: Rule::CareType,
            passed: passed(Rule::CareType),
            child: codes(&[child.care_type]),
            family: codes(&family.care_types),
        },
        RuleOutcome {
            rule: Rule::Needs,
            passed: passed(Rule::Needs),
            child: codes(&child.needs),
            family: codes(&family.needs),
        },
        RuleOutcome {
            rule: Rule::Sex,
            passed: passed(Rule::Sex),
            child: codes(&[child.sex]),
            family: codes(&[family.sex]),
        },
        RuleOutcome {
            rule: Rule::Distance,
            passed: passed(Rule::Distance),
            child: format!("{:.1} km", check.distance_km),
            family: format!("limit {:.1} km", check.limit_km),
        },
        RuleOutcome {
            rule: Rule::Excluded,
            passed: passed(Rule::Excluded),
            child: child.id.clone(),
            family: if passed(Rule::Excluded) {
                String::from("not excluded")
            } else {
                String::from("pair excluded")
            },
        },
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
