//! The greedy baseline: most urgent and longest waiting first, each to the nearest family that
//! can take them. Kept beside the optimizer so that trainers and panels can see the difference.

use super::instance::Problem;
use super::model::Structure;
use super::rules;

/// The greedy assignment (locks are placed first).
pub fn assign(problem: &Problem, structure: &Structure) -> Vec<Option<usize>> {
    // Most urgent first, then the longest waiting (earliest referral), then the id.
    let key = |u: usize| {
        let children = &structure.units[u].children;
        let urgency = children.iter().map(|&c| problem.children[c].urgency).max();
        let referral = children
            .iter()
            .filter_map(|&c| problem.children[c].referral_date)
            .min();
        let id = children
            .iter()
            .map(|&c| problem.children[c].id.as_str())
            .min()
            .unwrap_or("");
        (std::cmp::Reverse(urgency), referral.is_none(), referral, id)
    };
    let mut order: Vec<usize> = (0..structure.units.len()).collect();
    order.sort_by(|&a, &b| key(a).cmp(&key(b)));
    // Each unit to the nearest family that can take it.
    let mut pairs = Vec::new();
    for u in order {
        let first = structure.units[u].children[0];
        let mut options: Vec<(f64, usize)> = structure.options[u]
            .iter()
            .map(|&(f, _)| {
                (
                    rules::distance(&problem.children[first], &problem.families[f]),
                    f,
                )
            })
            .collect();
        options.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        pairs.extend(options.into_iter().map(|(_, f)| (u, f)));
    }
    assign_in_order(problem, structure, &pairs)
}

/// A greedy plan by value: the pairs worth most first (per child placed), each unit to the
/// first that still fits. Not the baseline panels compare with — a start for the optimizer
/// where the baseline's order (urgency, distance) leaves value on the table.
pub fn assign_by_value(problem: &Problem, structure: &Structure) -> Vec<Option<usize>> {
    let mut pairs: Vec<(usize, usize, f64)> = structure
        .options
        .iter()
        .enumerate()
        .flat_map(|(u, options)| {
            let size = structure.units[u].children.len() as f64;
            options.iter().map(move |&(f, value)| (u, f, value / size))
        })
        .collect();
    pairs.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let order: Vec<(usize, usize)> = pairs.into_iter().map(|(u, f, _)| (u, f)).collect();
    assign_in_order(problem, structure, &order)
}

/// Places units along `pairs` (unit, family): each unit at the first of its pairs that still
/// fits (free places, groups per family); locked pairs go first.
pub fn assign_in_order(
    problem: &Problem,
    structure: &Structure,
    pairs: &[(usize, usize)],
) -> Vec<Option<usize>> {
    let mut assignment = vec![None; problem.children.len()];
    let mut free: Vec<usize> = problem
        .families
        .iter()
        .map(|f| f.free_places() as usize)
        .collect();
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); problem.families.len()];
    let group_key = |u: usize| {
        structure.units[u]
            .split_group
            .map_or(u, |g| usize::MAX / 2 + g)
    };
    let max_groups = problem.settings.max_groups_per_family as usize;
    let mut placed = vec![false; structure.units.len()];

    let mut place = |u: usize, f: usize, assignment: &mut Vec<Option<usize>>| -> bool {
        let size = structure.units[u].children.len();
        let key = group_key(u);
        let new_group = !groups[f].contains(&key);
        if free[f] < size || (new_group && groups[f].len() >= max_groups) {
            return false;
        }
        free[f] -= size;
        if new_group {
            groups[f].push(key);
        }
        for &c in &structure.units[u].children {
            assignment[c] = Some(f);
        }
        true
    };

    for &(c, f) in &problem.locked {
        let u = structure.unit_of[c];
        if !placed[u]
            && structure.options[u].iter().any(|(g, _)| *g == f)
            && place(u, f, &mut assignment)
        {
            placed[u] = true;
        }
    }
    for &(u, f) in pairs {
        if !placed[u] && place(u, f, &mut assignment) {
            placed[u] = true;
        }
    }
    assignment
}
