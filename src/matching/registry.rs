//! An instance from the registry: the children awaiting placement and every family, as the
//! optimizer (and anyone re-checking a plan outside Yuva) sees them, with the locked and
//! excluded pairs in force.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::instance::{ChildInput, FamilyInput, Instance, PairInput, Settings};
use crate::domain::{Child, ChildStatus, Family, PairRule, PairRuleKind, SiblingGroup};
use crate::geo::Gazetteer;
use crate::store::{self, Store};

/// Which children a run considers (families are never filtered: a family across a district
/// line may be the nearest one; the distance limit decides).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Scope {
    #[default]
    All,
    /// Children whose home district is in this economic region.
    EconomicRegion(String),
    /// Children whose home is in this district (gazetteer code).
    District(String),
}

impl Scope {
    pub fn includes(&self, child: &Child, gazetteer: &Gazetteer) -> bool {
        match self {
            Scope::All => true,
            Scope::District(code) => &child.location.district_code == code,
            Scope::EconomicRegion(region) => gazetteer
                .unit(&child.location.district_code)
                .is_some_and(|u| &u.economic_region == region),
        }
    }
}

/// The registry's records a run is built from (the window holds them in memory; the command
/// line loads them with [`instance_from_store`]).
pub struct Records<'a> {
    pub families: &'a [Family],
    pub children: &'a [Child],
    pub groups: &'a [SiblingGroup],
    /// Locks and exclusions in force.
    pub pair_rules: &'a [PairRule],
    /// Places taken in a family by active placements.
    pub occupied: &'a dyn Fn(&Family) -> u32,
}

/// The instance of a run: the children of `scope` awaiting placement, every family, and the
/// locks and exclusions in force for those children. The window and the command line both
/// build their runs here.
pub fn instance_for(
    records: &Records<'_>,
    scope: &Scope,
    gazetteer: &Gazetteer,
    planning_date: NaiveDate,
    settings: Settings,
) -> Instance {
    let in_scope: Vec<Child> = records
        .children
        .iter()
        .filter(|c| scope.includes(c, gazetteer))
        .cloned()
        .collect();
    instance_of(records, &in_scope, planning_date, settings)
}

/// The instance of `children` (those awaiting placement) with every family of `records`.
fn instance_of(
    records: &Records<'_>,
    children: &[Child],
    planning_date: NaiveDate,
    settings: Settings,
) -> Instance {
    let mut instance = instance_from_records(
        records.families,
        records.occupied,
        children,
        records.groups,
        planning_date,
        settings,
    );
    add_pair_rules(
        &mut instance,
        records.pair_rules,
        records.families,
        records.children,
    );
    instance
}

/// The instance of a run on the whole registry in `store`.
pub fn instance_from_store(
    store: &Store,
    planning_date: NaiveDate,
    settings: Settings,
) -> store::Result<Instance> {
    let occupied = store.occupied_places()?;
    let occupied_of = |f: &Family| f.id.and_then(|id| occupied.get(&id)).copied().unwrap_or(0);
    let families = store.families()?;
    let children = store.children()?;
    let records = Records {
        families: &families,
        children: &children,
        groups: &store.sibling_groups()?,
        pair_rules: &store.pair_rules()?,
        occupied: &occupied_of,
    };
    Ok(instance_of(&records, &children, planning_date, settings))
}

/// Adds the locked and excluded pairs in force whose child is in the instance.
pub fn add_pair_rules(
    instance: &mut Instance,
    rules: &[PairRule],
    families: &[Family],
    children: &[Child],
) {
    let family_codes: HashMap<i64, &str> = families
        .iter()
        .filter_map(|f| f.id.map(|id| (id, f.code.as_str())))
        .collect();
    let child_codes: HashMap<i64, &str> = children
        .iter()
        .filter_map(|c| c.id.map(|id| (id, c.code.as_str())))
        .collect();
    let in_instance: std::collections::HashSet<&str> =
        instance.children.iter().map(|c| c.id.as_str()).collect();
    for rule in rules {
        let (Some(child), Some(family)) = (
            child_codes.get(&rule.child_id),
            family_codes.get(&rule.family_id),
        ) else {
            continue;
        };
        if !in_instance.contains(child) {
            continue;
        }
        let pair = PairInput {
            child: (*child).to_owned(),
            family: (*family).to_owned(),
        };
        match rule.kind {
            PairRuleKind::Lock => instance.locked.push(pair),
            PairRuleKind::Exclude => instance.excluded.push(pair),
        }
    }
}

fn family_input(f: &Family, occupied: u32) -> FamilyInput {
    FamilyInput {
        id: f.code.clone(),
        status: f.status,
        review_due: f.review_due.map(|d| d.to_string()),
        places: u32::from(f.terms.places),
        occupied,
        age_min: u32::from(f.terms.age_min),
        age_max: u32::from(f.terms.age_max),
        sex: f.terms.sex_preference,
        care_types: f.terms.care_types.iter().copied().collect(),
        needs: f.terms.needs.iter().copied().collect(),
        languages: f.languages.iter().copied().collect(),
        lat: f.location.lat,
        lon: f.location.lon,
    }
}

fn child_input(c: &Child, group: Option<&(&str, bool)>) -> ChildInput {
    ChildInput {
        id: c.code.clone(),
        birth_date: c.birth_date.to_string(),
        sex: c.sex,
        group: group.map(|(code, _)| (*code).to_owned()),
        may_split: group.is_some_and(|(_, may_split)| *may_split),
        urgency: c.urgency,
        care_type: c.care_type,
        needs: c.needs.iter().copied().collect(),
        languages: c.languages.iter().copied().collect(),
        lat: c.location.lat,
        lon: c.location.lon,
        max_distance_km: c.max_distance_km,
        referral_date: Some(c.referral_date.to_string()),
    }
}

/// An instance from records in memory: every family (with the places `occupied_of` says are
/// taken) and the children awaiting placement, both in code order.
pub fn instance_from_records(
    families: &[Family],
    occupied_of: impl Fn(&Family) -> u32,
    children: &[Child],
    groups: &[SiblingGroup],
    planning_date: NaiveDate,
    settings: Settings,
) -> Instance {
    let groups: HashMap<i64, (&str, bool)> = groups
        .iter()
        .filter_map(|g| g.id.map(|id| (id, (g.code.as_str(), g.may_split))))
        .collect();
    let mut families: Vec<FamilyInput> = families
        .iter()
        .map(|f| family_input(f, occupied_of(f)))
        .collect();
    families.sort_by(|a, b| a.id.cmp(&b.id));
    let mut children: Vec<ChildInput> = children
        .iter()
        .filter(|c| c.status == ChildStatus::Awaiting)
        .map(|c| child_input(c, c.sibling_group_id.and_then(|g| groups.get(&g))))
        .collect();
    children.sort_by(|a, b| a.id.cmp(&b.id));
    Instance {
        planning_date: planning_date.to_string(),
        settings,
        families,
        children,
        locked: Vec::new(),
        excluded: Vec::new(),
    }
}

/// How one family fits one child on a date: whether it can take anyone, each rule with the
/// values compared, the distance, and the value the pair would add to a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyFit {
    pub family_id: Option<i64>,
    pub family: String,
    pub eligibility: Result<(), super::rules::Ineligibility>,
    pub rules: Vec<crate::domain::advice::RuleOutcome>,
    pub distance_km: f64,
    /// The pair's value in a plan (when every rule holds and the family can take anyone).
    pub value: Option<f64>,
}

impl FamilyFit {
    pub fn fits(&self) -> bool {
        self.eligibility.is_ok() && self.rules.iter().all(|r| r.passed)
    }
}

/// "Find a family for this child": every family against the child under the run's rules —
/// those that fit first, the best-valued first; then the others, the fewest rules broken
/// first, then the nearest. Locks of other children are not considered: this is one child's
/// view, not a plan.
pub fn families_for_child(
    records: &Records<'_>,
    child: &Child,
    planning_date: NaiveDate,
    settings: Settings,
) -> Result<Vec<FamilyFit>, super::MatchError> {
    let probe = Child {
        status: ChildStatus::Awaiting,
        ..child.clone()
    };
    let instance = instance_of(
        records,
        std::slice::from_ref(&probe),
        planning_date,
        settings,
    );
    let problem = instance.validate()?;
    let Some(c) = problem.children.iter().position(|x| x.id == child.code) else {
        return Ok(Vec::new());
    };
    let ids: HashMap<&str, i64> = records
        .families
        .iter()
        .filter_map(|f| f.id.map(|id| (f.code.as_str(), id)))
        .collect();
    let mut fits: Vec<FamilyFit> = (0..problem.families.len())
        .map(|f| {
            let family = &problem.families[f];
            let check = super::rules::check_pair(&problem, c, f);
            let eligibility = super::rules::eligibility(family, &problem);
            let value = (eligibility.is_ok() && check.compatible())
                .then(|| super::rules::pair_value(&problem, c, f, check.distance_km));
            FamilyFit {
                family_id: ids.get(family.id.as_str()).copied(),
                family: family.id.clone(),
                eligibility,
                rules: super::rules::rule_outcomes(&problem, c, f, &check),
                distance_km: check.distance_km,
                value,
            }
        })
        .collect();
    let broken = |fit: &FamilyFit| {
        fit.rules.iter().filter(|r| !r.passed).count() + usize::from(fit.eligibility.is_err())
    };
    fits.sort_by(|a, b| match (a.value, b.value) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => broken(a)
            .cmp(&broken(b))
            .then(a.distance_km.total_cmp(&b.distance_km)),
    });
    Ok(fits)
}
