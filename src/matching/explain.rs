//! Why each proposal is what it is, and why a child is left unplaced — rule by rule, so that a
//! panel can follow and challenge every suggestion.

use std::collections::BTreeMap;

use super::instance::Problem;
use super::model::Structure;
use super::rules::{self, Ineligibility, Rule};
pub use crate::domain::advice::{
    Alternative, Change, Explanation, FamilyLimit, HintCheck, LanguageFit, NotChosen, Relaxation,
    RuleOutcome, RuleValues, Siblings, TakenFamily, Unplaced, UnplacedReason,
};

/// How many alternatives a placement lists (the best-valued first); the total is given too.
pub const MAX_ALTERNATIVES: usize = 10;
/// Candidate changes kept per unplaced child, smallest first, for the hint check to try.
pub const MAX_HINT_CANDIDATES: usize = 4;

/// Children placed in each family, and the distinct groups there.
struct Occupancy {
    children: Vec<Vec<usize>>,
    groups: Vec<usize>,
}

impl Occupancy {
    fn new(problem: &Problem, structure: &Structure, assignment: &[Option<usize>]) -> Occupancy {
        let mut children = vec![Vec::new(); problem.families.len()];
        let mut group_sets: Vec<Vec<usize>> = vec![Vec::new(); problem.families.len()];
        for (c, f) in assignment.iter().enumerate() {
            if let Some(f) = *f {
                children[f].push(c);
                let unit = structure.unit_of[c];
                let key = structure.units[unit]
                    .split_group
                    .map_or(unit, |g| usize::MAX / 2 + g);
                if !group_sets[f].contains(&key) {
                    group_sets[f].push(key);
                }
            }
        }
        Occupancy {
            children,
            groups: group_sets.iter().map(Vec::len).collect(),
        }
    }
}

fn ids(problem: &Problem, children: &[usize]) -> Vec<String> {
    children
        .iter()
        .map(|&c| problem.children[c].id.clone())
        .collect()
}

/// Why a family that could take a unit did not get it.
fn why_not(problem: &Problem, occupancy: &Occupancy, f: usize, size: usize) -> NotChosen {
    let family = &problem.families[f];
    let taken = &occupancy.children[f];
    if family.free_places() as usize - taken.len().min(family.free_places() as usize) < size {
        NotChosen::Full {
            taken_by: ids(problem, taken),
        }
    } else if occupancy.groups[f] >= problem.settings.max_groups_per_family as usize {
        NotChosen::GroupLimit {
            taken_by: ids(problem, taken),
        }
    } else {
        NotChosen::LowerValue
    }
}

pub fn explain_placement(
    problem: &Problem,
    structure: &Structure,
    assignment: &[Option<usize>],
    c: usize,
    f: usize,
) -> Explanation {
    let occupancy = Occupancy::new(problem, structure, assignment);
    explain_with(problem, structure, assignment, &occupancy, c, f)
}

fn explain_with(
    problem: &Problem,
    structure: &Structure,
    assignment: &[Option<usize>],
    occupancy: &Occupancy,
    c: usize,
    f: usize,
) -> Explanation {
    let child = &problem.children[c];
    let family = &problem.families[f];
    let check = rules::check_pair(problem, c, f);
    let unit = structure.unit_of[c];
    let size = structure.units[unit].children.len();

    let siblings = child.group.as_ref().map(|group| {
        let members: Vec<usize> = (0..problem.children.len())
            .filter(|&o| o != c && problem.children[o].group.as_ref() == Some(group))
            .collect();
        Siblings {
            group: group.clone(),
            must_stay_together: structure.units[unit].split_group.is_none(),
            placed_with: members
                .iter()
                .filter(|&&o| assignment[o] == Some(f))
                .map(|&o| problem.children[o].id.clone())
                .collect(),
            placed_elsewhere: members
                .iter()
                .filter_map(|&o| match assignment[o] {
                    Some(g) if g != f => Some((
                        problem.children[o].id.clone(),
                        problem.families[g].id.clone(),
                    )),
                    _ => None,
                })
                .collect(),
            unplaced: members
                .iter()
                .filter(|&&o| assignment[o].is_none())
                .map(|&o| problem.children[o].id.clone())
                .collect(),
        }
    });

    let mut alternatives: Vec<Alternative> = structure.options[unit]
        .iter()
        .filter(|(g, _)| *g != f)
        .map(|&(g, value)| Alternative {
            family: problem.families[g].id.clone(),
            distance_km: rules::distance(child, &problem.families[g]),
            value,
            why_not: why_not(problem, occupancy, g, size),
        })
        .collect();
    let alternatives_total = alternatives.len();
    alternatives.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.family.cmp(&b.family))
    });
    alternatives.truncate(MAX_ALTERNATIVES);

    Explanation {
        rules: rules::rule_outcomes(problem, c, f, &check),
        distance_km: check.distance_km,
        limit_km: check.limit_km,
        language: LanguageFit {
            fits: !rules::language_mismatch(child, family),
            child: child.languages.clone(),
            family: family.languages.clone(),
        },
        siblings,
        value: rules::pair_value(problem, c, f, check.distance_km),
        alternatives,
        alternatives_total,
    }
}

/// Explanations for every placement, in child order.
pub fn explain_all(
    problem: &Problem,
    structure: &Structure,
    assignment: &[Option<usize>],
) -> Vec<(usize, usize, Explanation)> {
    let occupancy = Occupancy::new(problem, structure, assignment);
    assignment
        .iter()
        .enumerate()
        .filter_map(|(c, f)| {
            f.map(|f| {
                (
                    c,
                    f,
                    explain_with(problem, structure, assignment, &occupancy, c, f),
                )
            })
        })
        .collect()
}

/// Reasons for every unplaced child, with the candidate changes that could place it (smallest
/// first; `crate::matching::hints` keeps only one that holds).
pub fn explain_unplaced(
    problem: &Problem,
    structure: &Structure,
    assignment: &[Option<usize>],
) -> Vec<(Unplaced, Vec<Relaxation>)> {
    let occupancy = Occupancy::new(problem, structure, assignment);
    let eligibility: Vec<Result<(), Ineligibility>> = problem
        .families
        .iter()
        .map(|f| rules::eligibility(f, problem))
        .collect();
    let mut ineligible: BTreeMap<Ineligibility, usize> = BTreeMap::new();
    for reason in eligibility.iter().filter_map(|e| e.err()) {
        *ineligible.entry(reason).or_default() += 1;
    }
    let eligible: Vec<usize> = (0..problem.families.len())
        .filter(|&f| eligibility[f].is_ok())
        .collect();

    // Each unplaced child is checked against every eligible family (for the rule counts and
    // the relaxation): independent work, shared out among the cores, in the children's order.
    let unplaced: Vec<usize> = (0..assignment.len())
        .filter(|&c| assignment[c].is_none())
        .collect();
    let explain_one = |c: usize| -> (Unplaced, Vec<Relaxation>) {
        let child = &problem.children[c];
        let unit = structure.unit_of[c];
        let size = structure.units[unit].children.len();
        let own: Vec<usize> = eligible
            .iter()
            .copied()
            .filter(|&f| structure.compatible.contains_key(&(c, f)))
            .collect();
        let mut reasons = Vec::new();
        if own.is_empty() {
            let mut removed_by: BTreeMap<Rule, usize> = BTreeMap::new();
            for &f in &eligible {
                for rule in rules::check_pair(problem, c, f).failed {
                    *removed_by.entry(rule).or_default() += 1;
                }
            }
            reasons.push(UnplacedReason::NoCompatibleFamily {
                eligible_families: eligible.len(),
                removed_by,
                ineligible: ineligible.clone(),
            });
        } else if structure.options[unit].is_empty() {
            reasons.push(UnplacedReason::GroupDoesNotFit {
                group: child.group.clone().unwrap_or_default(),
                size,
                families: own
                    .iter()
                    .map(|&f| problem.families[f].id.clone())
                    .collect(),
            });
        } else {
            let families = structure.options[unit]
                .iter()
                .map(|&(f, _)| TakenFamily {
                    family: problem.families[f].id.clone(),
                    taken_by: ids(problem, &occupancy.children[f]),
                    limit: match why_not(problem, &occupancy, f, size) {
                        NotChosen::GroupLimit { .. } => FamilyLimit::GroupLimit,
                        _ => FamilyLimit::Full,
                    },
                })
                .collect();
            reasons.push(UnplacedReason::TakenByHigherValuedMatches { families });
        }
        let candidates = relaxations(
            problem,
            structure,
            &eligible,
            c,
            &occupancy,
            !structure.options[unit].is_empty(),
        );
        (
            Unplaced {
                child: child.id.clone(),
                relaxation: None,
                hint_check: HintCheck::NotChecked,
                give_way: None,
                reasons,
            },
            candidates,
        )
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, unplaced.len().max(1));
    let chunk = unplaced.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = unplaced
            .chunks(chunk)
            .map(|children| {
                let explain_one = &explain_one;
                scope.spawn(move || children.iter().map(|&c| explain_one(c)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(explained) => explained,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// The candidate changes that could place the child, smallest first. When families could take the child
/// but were used by matches worth more (`outranked`), that is more room in the family where the
/// child would add the most; otherwise a family that fails exactly one rule, ranked distance,
/// age, sex, care type, needs, exclusion, and within a kind by how far the change goes.
fn relaxations(
    problem: &Problem,
    structure: &Structure,
    eligible: &[usize],
    c: usize,
    occupancy: &Occupancy,
    outranked: bool,
) -> Vec<Relaxation> {
    let child = &problem.children[c];
    let unit = structure.unit_of[c];
    let size = structure.units[unit].children.len();
    let mut offers: Vec<((u8, f64, String), Relaxation)> = Vec::new();
    let mut offer = |rank: u8, amount: f64, relaxation: Relaxation| {
        offers.push(((rank, amount, relaxation.family.clone()), relaxation));
    };
    for &f in eligible {
        let family = &problem.families[f];
        if (family.free_places() as usize) < size {
            continue;
        }
        let check = rules::check_pair(problem, c, f);
        // Siblings who must stay together must all be placeable there once the rule is relaxed.
        let siblings_ok = structure.units[unit]
            .children
            .iter()
            .filter(|&&o| o != c)
            .all(|&o| structure.compatible.contains_key(&(o, f)));
        if !siblings_ok {
            continue;
        }
        match check.failed.as_slice() {
            [] if outranked => {
                // More places help only where the family may take one more group: a family at
                // its groups-per-family limit with others' groups cannot take this child
                // beside them, however many places it has.
                let joins_own_group = structure.units[unit].split_group.is_some_and(|g| {
                    occupancy.children[f]
                        .iter()
                        .any(|&o| structure.units[structure.unit_of[o]].split_group == Some(g))
                });
                let group_room = occupancy.groups[f]
                    < problem.settings.max_groups_per_family as usize
                    || joins_own_group;
                if let Some(&(_, value)) = structure.options[unit].iter().find(|(g, _)| *g == f)
                    && !occupancy.children[f].is_empty()
                    && group_room
                {
                    let needed = (occupancy.children[f].len() + size) as u32;
                    offer(
                        6,
                        -value,
                        Relaxation {
                            family: family.id.clone(),
                            description: format!(
                                "placeable with {} if it had {needed} free places",
                                family.id
                            ),
                            change: Change::Places {
                                free_places_now: family.free_places(),
                                free_places: needed,
                            },
                        },
                    );
                }
            }
            [rule] if !outranked => {
                let (rank, amount, change, description) = match rule {
                    Rule::Distance => {
                        let km = check.distance_km.ceil();
                        (
                            0,
                            km - check.limit_km,
                            Change::Distance {
                                current_km: check.limit_km,
                                limit_km: km,
                                childs_own: child.max_distance_km.is_some(),
                            },
                            format!(
                                "placeable with {} if {} distance limit were {km:.0} km",
                                family.id,
                                if child.max_distance_km.is_some() {
                                    "the child's own"
                                } else {
                                    "the"
                                }
                            ),
                        )
                    }
                    Rule::Age => {
                        let (lo, hi) =
                            (family.age_min.min(check.age), family.age_max.max(check.age));
                        let gap = (family.age_min.saturating_sub(check.age)
                            + check.age.saturating_sub(family.age_max))
                            as f64;
                        (
                            1,
                            gap,
                            Change::Age {
                                current_min: family.age_min,
                                current_max: family.age_max,
                                age_min: lo,
                                age_max: hi,
                            },
                            format!(
                                "placeable with {} if its approved ages were {lo}–{hi} years",
                                family.id
                            ),
                        )
                    }
                    Rule::Sex => (
                        2,
                        0.0,
                        Change::Sex {
                            current: family.sex,
                        },
                        format!(
                            "placeable with {} if it accepted a child of either sex",
                            family.id
                        ),
                    ),
                    Rule::CareType => (
                        3,
                        0.0,
                        Change::CareType {
                            care_type: child.care_type,
                        },
                        format!(
                            "placeable with {} if it were approved for {} care",
                            family.id,
                            child.care_type.code()
                        ),
                    ),
                    Rule::Needs => {
                        let missing: Vec<crate::domain::Need> = child
                            .needs
                            .iter()
                            .filter(|n| !family.needs.contains(n))
                            .copied()
                            .collect();
                        let codes: Vec<&str> = missing.iter().map(|n| n.code()).collect();
                        (
                            4,
                            missing.len() as f64,
                            Change::Needs { needs: missing },
                            format!(
                                "placeable with {} if it were approved for {}",
                                family.id,
                                codes.join(", ")
                            ),
                        )
                    }
                    Rule::Excluded => (
                        5,
                        0.0,
                        Change::Excluded,
                        format!("placeable with {} if its exclusion were lifted", family.id),
                    ),
                };
                offer(
                    rank,
                    amount,
                    Relaxation {
                        family: family.id.clone(),
                        change,
                        description,
                    },
                );
            }
            _ => {}
        }
    }
    offers.sort_by(|(a, _), (b, _)| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.total_cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    offers
        .into_iter()
        .take(MAX_HINT_CANDIDATES)
        .map(|(_, r)| r)
        .collect()
}
