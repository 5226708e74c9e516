//! "What if": an instance with one relaxation applied (the smallest change an unplaced child's
//! explanation names), so that a panel can see its effect without changing any saved setting
//! or record.

use super::explain::Relaxation;
use super::instance::Instance;

/// The instance with `relaxation` applied for `child` (and its sibling group, which is
/// placed whole). Unknown changes leave the instance as it was.
pub fn apply_relaxation(instance: &Instance, child: &str, relaxation: &Relaxation) -> Instance {
    let mut changed = instance.clone();
    let group = instance
        .children
        .iter()
        .find(|c| c.id == child)
        .and_then(|c| c.group.clone());
    let in_unit = |id: &str, g: &Option<String>| id == child || (group.is_some() && *g == group);
    let required = &relaxation.required_numbers;
    let family = changed
        .families
        .iter_mut()
        .find(|f| f.id == relaxation.family);
    match (relaxation.change, family) {
        ("distance", _) => {
            if let Some(&km) = required.first() {
                for c in changed
                    .children
                    .iter_mut()
                    .filter(|c| in_unit(&c.id, &c.group))
                {
                    c.max_distance_km = Some(km.ceil().max(c.max_distance_km.unwrap_or(0.0)));
                }
            }
        }
        ("age", Some(family)) => {
            if let [lo, hi, ..] = required[..] {
                family.age_min = lo as u32;
                family.age_max = hi as u32;
            }
        }
        ("sex", Some(family)) => family.sex = crate::domain::SexPreference::Any,
        ("care_type", Some(family)) => {
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
        ("needs", Some(family)) => {
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
        ("places", Some(family)) => {
            if let Some(&needed) = required.first() {
                let free = family.places.saturating_sub(family.occupied);
                family.places += (needed as u32).saturating_sub(free);
            }
        }
        ("excluded", Some(_)) => {
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
        _ => {}
    }
    changed
}
