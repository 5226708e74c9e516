//! An instance from the registry: the children awaiting placement and every family, as the
//! optimizer (and anyone re-checking a plan outside Yuva) sees them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::instance::{ChildInput, FamilyInput, Instance, Settings};
use crate::domain::{Child, ChildStatus, Family, SiblingGroup};
use crate::store::{self, Store};

pub fn instance_from_store(
    store: &Store,
    planning_date: NaiveDate,
    settings: Settings,
) -> store::Result<Instance> {
    let occupied = store.occupied_places()?;
    let occupied_of = |f: &Family| f.id.and_then(|id| occupied.get(&id)).copied().unwrap_or(0);
    Ok(instance_from_records(
        &store.families()?,
        occupied_of,
        &store.children()?,
        &store.sibling_groups()?,
        planning_date,
        settings,
    ))
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
        .map(|f| FamilyInput {
            id: f.code.clone(),
            status: f.status,
            review_due: f.review_due.map(|d| d.to_string()),
            places: u32::from(f.terms.places),
            occupied: occupied_of(f),
            age_min: u32::from(f.terms.age_min),
            age_max: u32::from(f.terms.age_max),
            sex: f.terms.sex_preference,
            care_types: f.terms.care_types.iter().copied().collect(),
            needs: f.terms.needs.iter().copied().collect(),
            languages: f.languages.iter().copied().collect(),
            lat: f.location.lat,
            lon: f.location.lon,
        })
        .collect();
    families.sort_by(|a, b| a.id.cmp(&b.id));
    let mut children: Vec<ChildInput> = children
        .iter()
        .filter(|c| c.status == ChildStatus::Awaiting)
        .map(|c| {
            let group = c.sibling_group_id.and_then(|g| groups.get(&g));
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
        })
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
