//! "What if": an instance with one relaxation applied (the smallest change an unplaced child's
//! explanation names), so that a panel can see its effect without changing any saved setting
//! or record.

use super::instance::Instance;
use crate::domain::SexPreference;
use crate::domain::advice::{Change, Relaxation};

/// The instance with `relaxation` applied for `child` — and for its sibling group only where
/// the group stays together (it is placed whole); a child of a group that may be split is placed
/// on its own, and the change is its alone. A change to a family the instance does not hold
/// leaves it as it was.
pub fn apply_relaxation(instance: &Instance, child: &str, relaxation: &Relaxation) -> Instance {
    let mut changed = instance.clone();
    let group = instance
        .children
        .iter()
        .find(|c| c.id == child)
        .and_then(|c| c.group.clone());
    // The contract: a group may be split only when it has two children or more, all marked so.
    let members: Vec<_> = instance
        .children
        .iter()
        .filter(|c| group.is_some() && c.group == group)
        .collect();
    let stays_together = members.len() > 1 && !members.iter().all(|c| c.may_split);
    let in_unit = |id: &str, g: &Option<String>| id == child || (stays_together && *g == group);
    let family = changed
        .families
        .iter_mut()
        .find(|f| f.id == relaxation.family);
    match (&relaxation.change, family) {
        (Change::Distance { limit_km, .. }, _) => {
            for c in changed
                .children
                .iter_mut()
                .filter(|c| in_unit(&c.id, &c.group))
            {
                c.max_distance_km = Some(limit_km.ceil().max(c.max_distance_km.unwrap_or(0.0)));
            }
        }
        (
            Change::Age {
                age_min, age_max, ..
            },
            Some(family),
        ) => {
            family.age_min = *age_min;
            family.age_max = *age_max;
        }
        (Change::Sex { .. }, Some(family)) => family.sex = SexPreference::Any,
        (Change::CareType { .. }, Some(family)) => {
            for c in instance
                .children
                .iter()
                .filter(|c| in_unit(&c.id, &c.group))
            {
                if !family.care_types.contains(&c.care_type) {
                    family.care_types.push(c.care_type);
                }
            }
        }
        (Change::Needs { .. }, Some(family)) => {
            for c in instance
                .children
                .iter()
                .filter(|c| in_unit(&c.id, &c.group))
            {
                for need in &c.needs {
                    if !family.needs.contains(need) {
                        family.needs.push(*need);
                    }
                }
            }
        }
        (Change::Places { free_places, .. }, Some(family)) => {
            let free = family.places.saturating_sub(family.occupied);
            family.places += free_places.saturating_sub(free);
        }
        (Change::Excluded, Some(_)) => {
            let family_id = relaxation.family.clone();
            let unit: Vec<String> = instance
                .children
                .iter()
                .filter(|c| in_unit(&c.id, &c.group))
                .map(|c| c.id.clone())
                .collect();
            changed
                .excluded
                .retain(|p| !(p.family == family_id && unit.contains(&p.child)));
        }
        (_, None) => {}
    }
    changed
}
