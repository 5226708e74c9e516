//! An instance from the registry: the children awaiting placement and every family, as the
//! optimizer (and anyone re-checking a plan outside Yuva) sees them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::instance::{ChildInput, FamilyInput, Instance, Settings};
use crate::domain::ChildStatus;
use crate::store::{self, Store};

pub fn instance_from_store(
    store: &Store,
    planning_date: NaiveDate,
    settings: Settings,
) -> store::Result<Instance> {
    let occupied = store.occupied_places()?;
    let groups: HashMap<i64, (String, bool)> = store
        .sibling_groups()?
        .into_iter()
        .filter_map(|g| g.id.map(|id| (id, (g.code, g.may_split))))
        .collect();
    let mut families: Vec<FamilyInput> = store
        .families()?
        .into_iter()
        .map(|f| FamilyInput {
            occupied: f.id.and_then(|id| occupied.get(&id)).copied().unwrap_or(0),
            id: f.code,
            status: f.status,
            review_due: f.review_due.map(|d| d.to_string()),
            places: u32::from(f.terms.places),
            age_min: u32::from(f.terms.age_min),
            age_max: u32::from(f.terms.age_max),
            sex: f.terms.sex_preference,
            care_types: f.terms.care_types.into_iter().collect(),
            needs: f.terms.needs.into_iter().collect(),
            languages: f.languages.into_iter().collect(),
            lat: f.location.lat,
            lon: f.location.lon,
        })
        .collect();
    families.sort_by(|a, b| a.id.cmp(&b.id));
    let mut children: Vec<ChildInput> = store
        .children()?
        .into_iter()
        .filter(|c| c.status == ChildStatus::Awaiting)
        .map(|c| {
            let group = c.sibling_group_id.and_then(|g| groups.get(&g));
            ChildInput {
                id: c.code,
                birth_date: c.birth_date.to_string(),
                sex: c.sex,
                group: group.map(|(code, _)| code.clone()),
                may_split: group.is_some_and(|(_, may_split)| *may_split),
                urgency: c.urgency,
                care_type: c.care_type,
                needs: c.needs.into_iter().collect(),
                languages: c.languages.into_iter().collect(),
                lat: c.location.lat,
                lon: c.location.lon,
                max_distance_km: c.max_distance_km,
                referral_date: Some(c.referral_date.to_string()),
            }
        })
        .collect();
    children.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Instance {
        planning_date: planning_date.to_string(),
        settings,
        families,
        children,
        locked: Vec::new(),
        excluded: Vec::new(),
    })
}
