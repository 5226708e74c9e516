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

/// The occupant a move displaces from the family it fills: evicted (`None`) or moved to
/// another family.
type Displaced = Option<(usize, Option<usize>)>;

/// Local search on a plan: each unplaced unit that stays together (a single child or a group
/// kept whole) is put where it fits, where moving one occupant of a family to another family
/// makes room, or in place of an occupant worth less there — whichever adds value — until no
/// such move adds any or `rounds` passes are done. Locked units and children of groups that may
/// be split are never moved (their value depends on their siblings'), so each move's gain is
/// exact and the plan's value only grows.
pub fn improve(
    problem: &Problem,
    structure: &Structure,
    assignment: &[Option<usize>],
    rounds: usize,
) -> Vec<Option<usize>> {
    let units = structure.units.len();
    let families = problem.families.len();
    let max_groups = problem.settings.max_groups_per_family as usize;
    let group_key = |u: usize| {
        structure.units[u]
            .split_group
            .map_or(u, |g| usize::MAX / 2 + g)
    };
    let locked: std::collections::HashSet<usize> = problem
        .locked
        .iter()
        .map(|&(c, _)| structure.unit_of[c])
        .collect();
    let movable = |u: usize| structure.units[u].split_group.is_none() && !locked.contains(&u);
    let value = |u: usize, f: usize| {
        structure.options[u]
            .iter()
            .find(|(g, _)| *g == f)
            .map(|&(_, v)| v)
    };
    let size = |u: usize| structure.units[u].children.len();

    let mut at: Vec<Option<usize>> = vec![None; units];
    let mut free: Vec<usize> = problem
        .families
        .iter()
        .map(|f| f.free_places() as usize)
        .collect();
    let mut occupants: Vec<Vec<usize>> = vec![Vec::new(); families];
    for (u, unit) in structure.units.iter().enumerate() {
        if let Some(f) = assignment.get(unit.children[0]).copied().flatten() {
            at[u] = Some(f);
            free[f] = free[f].saturating_sub(size(u));
            occupants[f].push(u);
        }
    }
    // Whether family f, without `leaving`, can take unit u (few occupants: no allocation).
    let fits =
        |f: usize, u: usize, leaving: Option<usize>, free: &[usize], occupants: &[Vec<usize>]| {
            if free[f] + leaving.map_or(0, size) < size(u) {
                return false;
            }
            let staying = || {
                occupants[f]
                    .iter()
                    .copied()
                    .filter(move |&o| Some(o) != leaving)
            };
            if staying().any(|o| group_key(o) == group_key(u)) {
                return true;
            }
            // Distinct groups of those staying: each counted at its first occupant.
            let groups = staying()
                .enumerate()
                .filter(|&(i, o)| !staying().take(i).any(|p| group_key(p) == group_key(o)))
                .count();
            groups < max_groups
        };

    for _ in 0..rounds {
        let mut improved = false;
        for u in 0..units {
            if at[u].is_some() || !movable(u) {
                continue;
            }
            // The best move for u: (gain, family, occupant moved or evicted, where it goes).
            let mut best: Option<(f64, usize, Displaced)> = None;
            let mut consider = |gain: f64, f: usize, other: Displaced| {
                if gain > 1e-9 && best.as_ref().is_none_or(|b| gain > b.0) {
                    best = Some((gain, f, other));
                }
            };
            for &(f, gain_u) in &structure.options[u] {
                if fits(f, u, None, &free, &occupants) {
                    consider(gain_u, f, None);
                    continue;
                }
                for &v in &occupants[f] {
                    if !movable(v) || !fits(f, u, Some(v), &free, &occupants) {
                        continue;
                    }
                    let Some(lost) = value(v, f) else { continue };
                    // Evicted…
                    consider(gain_u - lost, f, Some((v, None)));
                    // …or moved to a family with room for it.
                    for &(g, gain_v) in &structure.options[v] {
                        if g != f && fits(g, v, None, &free, &occupants) {
                            consider(gain_u + gain_v - lost, f, Some((v, Some(g))));
                        }
                    }
                }
            }
            let Some((_, f, other)) = best else { continue };
            if let Some((v, to)) = other {
                occupants[f].retain(|&o| o != v);
                free[f] += size(v);
                at[v] = to;
                if let Some(g) = to {
                    occupants[g].push(v);
                    free[g] -= size(v);
                }
            }
            occupants[f].push(u);
            free[f] -= size(u);
            at[u] = Some(f);
            improved = true;
        }
        if !improved {
            break;
        }
    }
    let mut result = assignment.to_vec();
    for (u, unit) in structure.units.iter().enumerate() {
        if movable(u) {
            for &c in &unit.children {
                result[c] = at[u];
            }
        }
    }
    result
}
