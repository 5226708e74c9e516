//! Why each proposal is what it is, and why a child is left unplaced — rule by rule, so that a
//! panel can follow and challenge every suggestion.

use std::collections::BTreeMap;

use serde::Serialize;

use super::instance::Problem;
use super::model::Structure;
use super::rules::{self, Ineligibility, Rule, RuleOutcome};
use crate::domain::Language;

/// How many alternatives a placement lists (the best-valued first); the total is given too.
pub const MAX_ALTERNATIVES: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageFit {
    /// True when the family speaks at least one of the child's languages.
    pub fits: bool,
    pub child: Vec<Language>,
    pub family: Vec<Language>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Siblings {
    pub group: String,
    pub must_stay_together: bool,
    /// Siblings placed in the same family.
    pub placed_with: Vec<String>,
    /// Siblings placed in other families (child, family).
    pub placed_elsewhere: Vec<(String, String)>,
    pub unplaced: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotChosen {
    /// The family was used for matches worth more in total.
    Full { taken_by: Vec<String> },
    /// The family already takes `max_groups_per_family` groups.
    GroupLimit { taken_by: Vec<String> },
    /// The family was free, but this placement is worth as much or more.
    LowerValue,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    pub family: String,
    pub distance_km: f64,
    /// The value the child (or the whole sibling group) would have had there.
    pub value: f64,
    #[serde(flatten)]
    pub why_not: NotChosen,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub rules: Vec<RuleOutcome>,
    pub distance_km: f64,
    pub limit_km: f64,
    pub language: LanguageFit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub siblings: Option<Siblings>,
    /// This placement's value in the objective (the child's own term).
    pub value: f64,
    pub alternatives: Vec<Alternative>,
    pub alternatives_total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TakenFamily {
    pub family: String,
    pub taken_by: Vec<String>,
    /// "full" or "group_limit".
    pub limit: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnplacedReason {
    /// No family can take the child: how many families each rule removed (a family may fail
    /// several), and how many could not take anyone on the planning date.
    NoCompatibleFamily {
        eligible_families: usize,
        removed_by: BTreeMap<Rule, usize>,
        ineligible: BTreeMap<Ineligibility, usize>,
    },
    /// Families could take the child, but not the whole sibling group that must stay together.
    GroupDoesNotFit {
        group: String,
        size: usize,
        families: Vec<String>,
    },
    /// Every family that could take the child (or the group) was used by matches worth more.
    TakenByHigherValuedMatches { families: Vec<TakenFamily> },
}

/// The smallest single change that would make the child placeable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relaxation {
    /// distance, age, care_type, needs, sex, excluded or places.
    pub change: &'static str,
    pub family: String,
    pub current: String,
    pub required: String,
    /// A sentence for people, e.g. "placeable with F-012 if the distance limit were 140 km".
    pub description: String,
    /// The numbers `required` states, for applying the change: the distance limit in km, the
    /// age range (low, high), or the free places needed; empty for the other changes.
    #[serde(skip)]
    pub required_numbers: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unplaced {
    pub child: String,
    pub reasons: Vec<UnplacedReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<Relaxation>,
}

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

/// Reasons and the relaxation hint for every unplaced child.
pub fn explain_unplaced(
    problem: &Problem,
    structure: &Structure,
    assignment: &[Option<usize>],
) -> Vec<Unplaced> {
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
    let explain_one = |c: usize| -> Unplaced {
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
                        NotChosen::GroupLimit { .. } => "group_limit",
                        _ => "full",
                    },
                })
                .collect();
            reasons.push(UnplacedReason::TakenByHigherValuedMatches { families });
        }
        Unplaced {
            child: child.id.clone(),
            relaxation: relaxation(
                problem,
                structure,
                &eligible,
                c,
                &occupancy,
                !structure.options[unit].is_empty(),
            ),
            reasons,
        }
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

/// The smallest single change that would place the child. When families could take the child
/// but were used by matches worth more (`outranked`), that is more room in the family where the
/// child would add the most; otherwise a family that fails exactly one rule, ranked distance,
/// age, sex, care type, needs, exclusion, and within a kind by how far the change goes.
fn relaxation(
    problem: &Problem,
    structure: &Structure,
    eligible: &[usize],
    c: usize,
    occupancy: &Occupancy,
    outranked: bool,
) -> Option<Relaxation> {
    let child = &problem.children[c];
    let unit = structure.unit_of[c];
    let size = structure.units[unit].children.len();
    let mut best: Option<((u8, f64, String), Relaxation)> = None;
    let mut offer = |rank: u8, amount: f64, relaxation: Relaxation| {
        let key = (rank, amount, relaxation.family.clone());
        let better = best.as_ref().is_none_or(|(k, _)| {
            (key.0, key.1)
                .partial_cmp(&(k.0, k.1))
                .is_some_and(|o| o.is_lt())
                || (key.0 == k.0 && key.1 == k.1 && key.2 < k.2)
        });
        if better {
            best = Some((key, relaxation));
        }
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
                if let Some(&(_, value)) = structure.options[unit].iter().find(|(g, _)| *g == f)
                    && !occupancy.children[f].is_empty()
                {
                    let needed = occupancy.children[f].len() + size;
                    offer(
                        6,
                        -value,
                        Relaxation {
                            change: "places",
                            family: family.id.clone(),
                            current: format!("{} free places", family.free_places()),
                            required: format!("{needed} free places"),
                            description: format!(
                                "placeable with {} if it had {needed} free places",
                                family.id
                            ),
                            required_numbers: vec![needed as f64],
                        },
                    );
                }
            }
            [rule] if !outranked => {
                let mut required_numbers = Vec::new();
                let (rank, amount, current, required) = match rule {
                    Rule::Distance => {
                        let km = check.distance_km.ceil();
                        required_numbers.push(km);
                        (
                            0,
                            km - check.limit_km,
                            format!("{:.0} km", check.limit_km),
                            format!("{km:.0} km"),
                        )
                    }
                    Rule::Age => {
                        let (lo, hi) =
                            (family.age_min.min(check.age), family.age_max.max(check.age));
                        let gap = (family.age_min.saturating_sub(check.age)
                            + check.age.saturating_sub(family.age_max))
                            as f64;
                        required_numbers.extend([f64::from(lo), f64::from(hi)]);
                        (
                            1,
                            gap,
                            format!("{}–{} years", family.age_min, family.age_max),
                            format!("{lo}–{hi} years"),
                        )
                    }
                    Rule::Sex => (
                        2,
                        0.0,
                        format!("{:?}", family.sex).to_lowercase(),
                        String::from("any"),
                    ),
                    Rule::CareType => (
                        3,
                        0.0,
                        String::from("not approved"),
                        crate::domain::CareType::code(child.care_type).to_owned(),
                    ),
                    Rule::Needs => {
                        let missing: Vec<&str> = child
                            .needs
                            .iter()
                            .filter(|n| !family.needs.contains(n))
                            .map(|n| n.code())
                            .collect();
                        (
                            4,
                            missing.len() as f64,
                            String::from("not approved"),
                            missing.join(", "),
                        )
                    }
                    Rule::Excluded => (
                        5,
                        0.0,
                        String::from("excluded"),
                        String::from("exclusion lifted"),
                    ),
                };
                let description = match rule {
                    Rule::Distance => format!(
                        "placeable with {} if the distance limit were {required}",
                        family.id
                    ),
                    Rule::Age => format!(
                        "placeable with {} if its approved ages were {required}",
                        family.id
                    ),
                    Rule::Sex => format!(
                        "placeable with {} if it accepted a child of either sex",
                        family.id
                    ),
                    Rule::CareType => format!(
                        "placeable with {} if it were approved for {required} care",
                        family.id
                    ),
                    Rule::Needs => format!(
                        "placeable with {} if it were approved for {required}",
                        family.id
                    ),
                    Rule::Excluded => {
                        format!("placeable with {} if its exclusion were lifted", family.id)
                    }
                };
                offer(
                    rank,
                    amount,
                    Relaxation {
                        change: rule.code(),
                        family: family.id.clone(),
                        current,
                        required,
                        description,
                        required_numbers,
                    },
                );
            }
            _ => {}
        }
    }
    best.map(|(_, r)| r)
}
