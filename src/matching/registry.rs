//! An instance from the registry: the children awaiting placement and every family, as the
//! optimizer (and anyone re-checking a plan outside Yuva) sees them, with the locked and
//! excluded pairs in force.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::instance::{ChildInput, FamilyInput, Instance, PairInput, Settings};
use super::rules::{self, Ineligibility};
use crate::domain::{Child, ChildStatus, Family, PairRuleKind, Refusal, SiblingGroup};
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
    pub fn includes(&self, child: &Child, gazetteer: &crate::geo::Gazetteer) -> bool {
        match self {
            Scope::All => true,
            Scope::District(code) => &child.location.district_code == code,
            Scope::EconomicRegion(region) => gazetteer
                .unit(&child.location.district_code)
                .is_some_and(|u| &u.economic_region == region),
        }
    }
}

pub fn instance_from_store(
    store: &Store,
    planning_date: NaiveDate,
    settings: Settings,
) -> store::Result<Instance> {
    let occupied = store.occupied_places()?;
    let occupied_of = |f: &Family| f.id.and_then(|id| occupied.get(&id)).copied().unwrap_or(0);
    let families = store.families()?;
    let children = store.children()?;
    let mut instance = instance_from_records(
        &families,
        occupied_of,
        &children,
        &store.sibling_groups()?,
        planning_date,
        settings,
    );
    add_pair_rules(&mut instance, &store.pair_rules()?, &families, &children);
    Ok(instance)
}

/// Adds the locked and excluded pairs in force whose child is in the instance.
pub fn add_pair_rules(
    instance: &mut Instance,
    rules: &[crate::domain::PairRule],
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

/// An instance from a generated demo registry (benchmarks, tests): every child awaiting, the
/// demo's active placements filling their families' places.
pub fn instance_from_demo(
    demo: &crate::demo::DemoRegistry,
    planning_date: NaiveDate,
    settings: Settings,
) -> Instance {
    let mut occupied: HashMap<usize, u32> = HashMap::new();
    for &(_, f, _) in &demo.placements {
        *occupied.entry(f).or_default() += 1;
    }
    // Records as the store would give them: ids are the indices.
    let families: Vec<Family> = demo
        .families
        .iter()
        .enumerate()
        .map(|(i, f)| Family {
            id: Some(i as i64),
            ..f.clone()
        })
        .collect();
    let groups: Vec<SiblingGroup> = demo
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| SiblingGroup {
            id: Some(i as i64),
            ..g.clone()
        })
        .collect();
    let children: Vec<Child> = demo
        .children
        .iter()
        .map(|(c, g)| Child {
            status: ChildStatus::Awaiting,
            sibling_group_id: g.map(|g| g as i64),
            ..c.clone()
        })
        .collect();
    let occupied_of = |f: &Family| {
        f.id.and_then(|id| occupied.get(&(id as usize)))
            .copied()
            .unwrap_or(0)
    };
    instance_from_records(
        &families,
        occupied_of,
        &children,
        &groups,
        planning_date,
        settings,
    )
}

/// Checks, at a decision, that a proposed pair still holds on `date`: the family eligible
/// (approved, review not lapsed, a free place) and the compatibility rules met, with the
/// distance limit the proposal was made under. The same rules as the optimizer's.
pub fn recheck_pair(
    family: &Family,
    occupied: u32,
    child: &Child,
    date: NaiveDate,
    limit_km: Option<f64>,
) -> Result<(), Refusal> {
    let settings = Settings {
        max_distance_km: limit_km.unwrap_or(Settings::default().max_distance_km),
        ..Settings::default()
    };
    let mut probe = child.clone();
    probe.max_distance_km = limit_km.or(child.max_distance_km);
    let instance = Instance {
        planning_date: date.to_string(),
        settings,
        families: vec![family_input(family, occupied)],
        children: vec![child_input(&probe, None)],
        locked: Vec::new(),
        excluded: Vec::new(),
    };
    let problem = instance
        .validate()
        .map_err(|e| Refusal::new("refusal.record_invalid", vec![("reason", e.to_string())]))?;
    let args = || {
        vec![
            ("child", child.code.clone()),
            ("family", family.code.clone()),
            ("date", crate::domain::format_date(date)),
        ]
    };
    if let Err(why) = rules::eligibility(&problem.families[0], &problem) {
        let key = match why {
            Ineligibility::NotApproved => "refusal.family_not_approved",
            Ineligibility::ReviewLapsed => "refusal.review_lapsed",
            Ineligibility::NoFreePlaces => "refusal.family_full",
        };
        return Err(Refusal::new(key, args()));
    }
    let check = rules::check_pair(&problem, 0, 0);
    if let Some(rule) = check.failed.first() {
        let mut args = args();
        args.push(("rule", rule.code().to_owned()));
        return Err(Refusal::new("refusal.rule_broken", args));
    }
    Ok(())
}
