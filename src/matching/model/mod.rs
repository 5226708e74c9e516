//! The placement model on good_lp.
//!
//! Only compatible pairs get a variable. A sibling group that must stay together is one unit
//! with one variable per family that can take all of it; a group that may be split gets a
//! variable per child and family plus "family used" variables for the split penalty. The
//! compatibility graph falls apart into regional components (the distance limit); each is an
//! independent problem, solved separately and in parallel, which cannot change the optimum
//! because no constraint or objective term links two components.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::instance::{InputError, Problem};
use super::rules::{self, PairCheck, Rule};
use super::{MatchError, Progress, Stage};

mod backend;
mod component;
mod formulation;

use backend::Backend;
use component::{ComponentResult, FIRST_COLUMNS, Part, placed_value, solve_component};

/// The solver this build uses ("microlp", or "highs" with the `highs` feature).
pub const SOLVER: &str = <backend::Active as Backend>::NAME;

/// Children placed together as one, or one child of a group that may be split.
#[derive(Debug, Clone)]
pub struct Unit {
    pub children: Vec<usize>,
    /// Index into `Structure::split_groups` for a child of a may-be-split group.
    pub split_group: Option<usize>,
}

/// The compatibility structure of a problem: units, their options and the split groups.
pub struct Structure {
    pub units: Vec<Unit>,
    /// Children of each may-be-split group.
    pub split_groups: Vec<Vec<usize>>,
    pub split_group_names: Vec<String>,
    /// Unit of each child.
    pub unit_of: Vec<usize>,
    /// Per unit: (family, value) for every family that can take the whole unit.
    pub options: Vec<Vec<(usize, f64)>>,
    /// Compatibility check of every compatible (child, eligible family) pair.
    pub compatible: HashMap<(usize, usize), PairCheck>,
    pub eligible: Vec<bool>,
}

/// Families by 1°×1° cell, so that a child is checked only against families within reach.
struct Grid {
    cells: HashMap<(i32, i32), Vec<usize>>,
}

impl Grid {
    fn new(problem: &Problem, eligible: &[bool]) -> Grid {
        let mut cells: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
        for (f, family) in problem.families.iter().enumerate() {
            if eligible[f] {
                cells
                    .entry((family.lat.floor() as i32, family.lon.floor() as i32))
                    .or_default()
                    .push(f);
            }
        }
        for list in cells.values_mut() {
            list.sort_unstable();
        }
        Grid { cells }
    }

    /// Eligible families that may lie within `km` of the point (a superset, in index order).
    fn near(&self, lat: f64, lon: f64, km: f64) -> Vec<usize> {
        let dlat = km / 110.0 + 1.0;
        let cos = lat.to_radians().cos().abs().max(0.01);
        let dlon = (km / (111.3 * cos) + 1.0).min(360.0);
        let mut found = Vec::new();
        let (lat0, lat1) = ((lat - dlat).floor() as i32, (lat + dlat).floor() as i32);
        let (lon0, lon1) = ((lon - dlon).floor() as i32, (lon + dlon).floor() as i32);
        if (lat1 - lat0) as usize * (lon1 - lon0) as usize > self.cells.len() {
            found.extend(self.cells.values().flatten().copied());
        } else {
            for a in lat0..=lat1 {
                for b in lon0..=lon1 {
                    if let Some(list) = self.cells.get(&(a, b)) {
                        found.extend_from_slice(list);
                    }
                }
            }
        }
        found.sort_unstable();
        found
    }
}

impl Structure {
    pub fn build(problem: &Problem) -> Structure {
        let eligible: Vec<bool> = problem
            .families
            .iter()
            .map(|f| rules::eligibility(f, problem).is_ok())
            .collect();

        // Groups: together (any child not marked may_split) or split (all marked).
        let mut by_group: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (c, child) in problem.children.iter().enumerate() {
            if let Some(group) = &child.group {
                by_group.entry(group.as_str()).or_default().push(c);
            }
        }
        let mut units = Vec::new();
        let mut split_groups = Vec::new();
        let mut split_group_names = Vec::new();
        let mut unit_of = vec![usize::MAX; problem.children.len()];
        for (c, child) in problem.children.iter().enumerate() {
            if unit_of[c] != usize::MAX {
                continue;
            }
            let members = match &child.group {
                Some(group) => by_group[group.as_str()].clone(),
                None => vec![c],
            };
            let split = members.len() > 1 && members.iter().all(|&m| problem.children[m].may_split);
            if split {
                let g = split_groups.len();
                split_group_names.push(child.group.clone().unwrap_or_default());
                for &m in &members {
                    unit_of[m] = units.len();
                    units.push(Unit {
                        children: vec![m],
                        split_group: Some(g),
                    });
                }
                split_groups.push(members);
            } else {
                for &m in &members {
                    unit_of[m] = units.len();
                }
                units.push(Unit {
                    children: members,
                    split_group: None,
                });
            }
        }

        let grid = Grid::new(problem, &eligible);
        let mut compatible = HashMap::new();
        let mut child_options: Vec<Vec<(usize, f64)>> = vec![Vec::new(); problem.children.len()];
        for (c, child) in problem.children.iter().enumerate() {
            let limit = rules::distance_limit(child, problem);
            for f in grid.near(child.lat, child.lon, limit) {
                let check = rules::check_pair(problem, c, f);
                if check.compatible() {
                    child_options[c].push((f, rules::pair_value(problem, c, f, check.distance_km)));
                    compatible.insert((c, f), check);
                }
            }
        }

        let options = units
            .iter()
            .map(|unit| {
                let first = unit.children[0];
                child_options[first]
                    .iter()
                    .filter(|(f, _)| {
                        problem.families[*f].free_places() as usize >= unit.children.len()
                    })
                    .filter_map(|&(f, value)| {
                        let mut total = value;
                        for &other in &unit.children[1..] {
                            total += child_options[other].iter().find(|(g, _)| *g == f)?.1;
                        }
                        Some((f, total))
                    })
                    .collect()
            })
            .collect();

        Structure {
            units,
            split_groups,
            split_group_names,
            unit_of,
            options,
            compatible,
            eligible,
        }
    }

    /// Independent parts of the problem: units and the families they could go to. Units with
    /// no option form no component (they stay unplaced).
    pub fn components(&self, families: usize) -> Vec<Vec<usize>> {
        let units = self.units.len();
        let mut sets = DisjointSets::new(units + families);
        for (u, options) in self.options.iter().enumerate() {
            for &(f, _) in options {
                sets.union(u, units + f);
            }
        }
        // Children of a split group share a penalty: keep them in one component.
        for group in &self.split_groups {
            for pair in group.windows(2) {
                sets.union(self.unit_of[pair[0]], self.unit_of[pair[1]]);
            }
        }
        let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for u in 0..units {
            if !self.options[u].is_empty() {
                components.entry(sets.find(u)).or_default().push(u);
            }
        }
        components.into_values().collect()
    }
}

/// Union–find over 0..n (path halving; a set's root is its smallest member).
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// The result of solving.
pub struct Solved {
    /// The family of each child, if placed.
    pub assignment: Vec<Option<usize>>,
    pub proven_optimal: bool,
    pub variables: usize,
    pub components: usize,
    /// No plan is worth more: the plan's own value where proven, the LP relaxation's optimum
    /// elsewhere.
    pub upper_bound: f64,
}

impl Solved {
    /// The objective of the solved assignment.
    pub fn objective(&self, problem: &Problem, structure: &Structure) -> f64 {
        objective(problem, &self.assignment, structure)
    }
}

/// Checks the locks against the rules before solving: a locked pair that breaks a rule fails
/// the solve with a message naming the rule.
pub fn check_locks(
    problem: &Problem,
    structure: &Structure,
) -> Result<HashMap<usize, usize>, MatchError> {
    let mut unit_lock: HashMap<usize, usize> = HashMap::new();
    for (i, &(c, f)) in problem.locked.iter().enumerate() {
        let child = &problem.children[c];
        let family = &problem.families[f];
        let path = format!("locked[{i}]");
        let fail = |message: String| MatchError::Lock(InputError::new(path.clone(), message));
        if let Err(reason) = rules::eligibility(family, problem) {
            let why = match reason {
                rules::Ineligibility::NotApproved => "is not approved",
                rules::Ineligibility::ReviewLapsed => "is past its review due date",
                rules::Ineligibility::NoFreePlaces => "has no free place",
            };
            return Err(fail(format!(
                "{} cannot be placed with {}: the family {why}",
                child.id, family.id
            )));
        }
        let check = rules::check_pair(problem, c, f);
        if let Some(rule) = check.failed.first() {
            let outcome = rules::rule_outcomes(problem, c, f, &check)
                .into_iter()
                .find(|o| o.rule() == *rule)
                .map(|o| {
                    let (child, family) = crate::i18n::rule_values(crate::i18n::Lang::En, &o);
                    format!("{child} vs {family}")
                })
                .unwrap_or_default();
            return Err(fail(format!(
                "{} cannot be placed with {}: rule {} fails ({outcome})",
                child.id,
                family.id,
                rule.code()
            )));
        }
        let u = structure.unit_of[c];
        if !structure.options[u].iter().any(|(g, _)| *g == f) {
            return Err(fail(format!(
                "{} cannot be placed with {}: the sibling group must stay together and does not fit the family ({} children, {} free places, or a sibling breaks a rule)",
                child.id,
                family.id,
                structure.units[u].children.len(),
                family.free_places()
            )));
        }
        if let Some(&other) = unit_lock.get(&u)
            && other != f
        {
            return Err(fail(format!(
                "{} is locked to {} but a sibling who must stay with them is locked to {}",
                child.id, family.id, problem.families[other].id
            )));
        }
        unit_lock.insert(u, f);
    }
    Ok(unit_lock)
}

/// The optimum of the one component that holds `child` — components share no family and no
/// penalty, so the rest of a plan cannot change with it: the (child, family) pairs placed
/// there, and the units of the component. `None` when the child has no option at all.
///
/// `start` is a plan known to be feasible here, as (unit, family) pairs — for a hint, the plan
/// before the change, which a change that only adds options keeps feasible: branch and bound
/// starts from it instead of from nothing.
pub fn solve_component_of(
    problem: &Problem,
    structure: &Structure,
    child: usize,
    deadline: Option<std::time::Instant>,
    start: &std::collections::HashSet<(usize, usize)>,
) -> Result<Option<ComponentPlan>, MatchError> {
    let locks = check_locks(problem, structure)?;
    let unit = structure.unit_of[child];
    let Some(units) = structure
        .components(problem.families.len())
        .into_iter()
        .find(|units| units.contains(&unit))
    else {
        return Ok(None);
    };
    let part = Part {
        problem,
        structure,
        units: &units,
        locks: &locks,
        deadline,
        first_columns: FIRST_COLUMNS,
        baseline: start,
    };
    let result = solve_component(&part)?;
    Ok(Some(ComponentPlan {
        value: placed_value(problem, structure, &result.placed),
        placed: result.placed,
        units,
        optimal: result.optimal,
    }))
}

/// The value in the objective of (child, family) pairs.
pub fn value_of(problem: &Problem, structure: &Structure, placed: &[(usize, usize)]) -> f64 {
    placed_value(problem, structure, placed)
}

/// One component's optimal plan.
pub struct ComponentPlan {
    /// (child, family) pairs.
    pub placed: Vec<(usize, usize)>,
    pub units: Vec<usize>,
    /// Its value in the objective.
    pub value: f64,
    /// Proven optimal (not stopped by the deadline).
    pub optimal: bool,
}

impl ComponentPlan {
    pub fn family_of(&self, child: usize) -> Option<usize> {
        self.placed
            .iter()
            .find(|&&(c, _)| c == child)
            .map(|&(_, f)| f)
    }
}

/// Solves every component and returns the optimal assignment. With a `deadline`, a component
/// whose optimality is not proven by then gives the best plan found, marked not proven.
pub fn solve(
    problem: &Problem,
    structure: &Structure,
    control: &RunControl<'_>,
) -> Result<Solved, MatchError> {
    solve_priced(problem, structure, control, FIRST_COLUMNS)
}

/// How a solve runs: who may stop it, until when, whom it tells how far it is, and the
/// baseline plan that stands for a component out of time.
#[derive(Clone, Copy)]
pub struct RunControl<'a> {
    /// Set from another thread to stop the run (between components).
    pub cancel: Option<&'a AtomicBool>,
    pub deadline: Option<std::time::Instant>,
    /// Told after each component, with the best plan so far and its bound.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    /// The greedy baseline's assignment.
    pub baseline: &'a [Option<usize>],
}

/// The plan so far while components finish: solved components with their plan and bound, the
/// others at the baseline's plan under the bound of every unit at its best family.
struct Tally {
    value: Vec<f64>,
    bound: Vec<f64>,
    done: usize,
}

/// [`solve`], with each unit's LP starting from its `first_columns` best families (tests
/// compare a plan found by heavy pricing with one found without).
fn solve_priced(
    problem: &Problem,
    structure: &Structure,
    control: &RunControl<'_>,
    first_columns: usize,
) -> Result<Solved, MatchError> {
    let RunControl {
        cancel,
        deadline,
        progress,
        baseline,
    } = *control;
    let locks = check_locks(problem, structure)?;
    let components = structure.components(problem.families.len());
    let plan_of = |assignment: &[Option<usize>], units: &[usize]| -> Vec<(usize, usize)> {
        units
            .iter()
            .flat_map(|&u| structure.units[u].children.iter().copied())
            .filter_map(|c| assignment.get(c).copied().flatten().map(|f| (c, f)))
            .collect()
    };
    // Each component starts from the better of the baseline and a greedy plan by value (the
    // baseline's order — urgency, then the nearest family — can leave much value unused).
    let by_value = crate::matching::greedy::assign_by_value(problem, structure);
    let locks_kept = |plan: &[(usize, usize)], units: &[usize]| {
        units.iter().all(|u| {
            locks.get(u).is_none_or(|&f| {
                structure.units[*u]
                    .children
                    .iter()
                    .all(|c| plan.contains(&(*c, f)))
            })
        })
    };
    let mut start = baseline.to_vec();
    for units in &components {
        let own = plan_of(baseline, units);
        let other = plan_of(&by_value, units);
        if locks_kept(&other, units)
            && placed_value(problem, structure, &other) > placed_value(problem, structure, &own)
        {
            for &u in units {
                for &c in &structure.units[u].children {
                    start[c] = by_value[c];
                }
            }
        }
    }
    // Then local search lifts it (moves that each add value).
    let improved =
        crate::matching::greedy::improve(problem, structure, &start, LOCAL_SEARCH_ROUNDS);
    for units in &components {
        let own = plan_of(&start, units);
        let other = plan_of(&improved, units);
        if locks_kept(&other, units)
            && placed_value(problem, structure, &other) > placed_value(problem, structure, &own)
        {
            for &u in units {
                for &c in &structure.units[u].children {
                    start[c] = improved[c];
                }
            }
        }
    }
    let baseline_of = |units: &[usize]| plan_of(&start, units);
    let trivial_bound = |units: &[usize]| -> f64 {
        units
            .iter()
            .map(|&u| {
                structure.options[u]
                    .iter()
                    .map(|&(_, value)| value)
                    .fold(0.0, f64::max)
            })
            .sum()
    };
    // The start as (unit, family) pairs: every component's first incumbent.
    let baseline_pairs: std::collections::HashSet<(usize, usize)> = structure
        .units
        .iter()
        .enumerate()
        .filter_map(|(u, unit)| {
            let f = start.get(unit.children[0]).copied().flatten()?;
            unit.children
                .iter()
                .all(|&c| start.get(c).copied().flatten() == Some(f))
                .then_some((u, f))
        })
        .collect();
    let tally = Mutex::new(Tally {
        value: components
            .iter()
            .map(|units| placed_value(problem, structure, &baseline_of(units)))
            .collect(),
        bound: components
            .iter()
            .map(|units| trivial_bound(units))
            .collect(),
        done: 0,
    });
    let report = |i: usize, result: &Result<ComponentResult, MatchError>| {
        let Some(progress) = progress else { return };
        let Ok(mut tally) = tally.lock() else { return };
        tally.done += 1;
        if let Ok(solved) = result {
            let value = placed_value(problem, structure, &solved.placed);
            tally.value[i] = value;
            // A proven component's plan is its own bound.
            tally.bound[i] = if solved.optimal { value } else { solved.bound };
        }
        progress(Progress {
            stage: Stage::Solving,
            components_done: tally.done,
            components: components.len(),
            best: Some(tally.value.iter().sum()),
            bound: Some(tally.bound.iter().sum()),
        });
    };
    // Largest first, so that two workers finish together.
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(components[i].len()));

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<ComponentResult, MatchError>>>> =
        Mutex::new((0..components.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(components.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = order.get(k) else { break };
                    let result = if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                        Err(MatchError::Cancelled)
                    } else {
                        let part = Part {
                            problem,
                            structure,
                            units: &components[i],
                            locks: &locks,
                            deadline,
                            first_columns,
                            baseline: &baseline_pairs,
                        };
                        solve_component(&part)
                    };
                    report(i, &result);
                    if let Ok(mut slots) = results.lock() {
                        slots[i] = Some(result);
                    }
                }
            });
        }
    });

    let mut assignment = vec![None; problem.children.len()];
    let mut proven_optimal = true;
    let mut variables = 0;
    let mut upper_bound = 0.0;
    let slots = results
        .into_inner()
        .map_err(|_| MatchError::Solver(String::from("a solver thread failed")))?;
    for (i, slot) in slots.into_iter().enumerate() {
        let result =
            slot.ok_or_else(|| MatchError::Solver(String::from("a component was not solved")))?;
        let result = match result {
            // Out of time before even the LP of this component was solved: the greedy plan of
            // its units stands (locks placed first), not proven, under the bound of every unit
            // at its best family.
            Err(MatchError::TimeLimit) => ComponentResult {
                placed: baseline_of(&components[i]),
                optimal: false,
                variables: 0,
                bound: trivial_bound(&components[i]),
            },
            other => other?,
        };
        // Never below the start (itself never below the baseline): were a plan found worse (it
        // cannot be when proven optimal), the start's plan of the component stands, with its
        // locks.
        let result = {
            let own = baseline_of(&components[i]);
            let margin = 1e-9 * result.bound.abs().max(1.0);
            if locks_kept(&own, &components[i])
                && placed_value(problem, structure, &own)
                    > placed_value(problem, structure, &result.placed) + margin
            {
                ComponentResult {
                    placed: own,
                    optimal: false,
                    ..result
                }
            } else {
                result
            }
        };
        proven_optimal &= result.optimal;
        variables += result.variables;
        // No plan of a proven component is worth more than the one found; of another, more
        // than its LP's optimum.
        upper_bound += if result.optimal {
            placed_value(problem, structure, &result.placed)
        } else {
            result
                .bound
                .max(placed_value(problem, structure, &result.placed))
        };
        for (c, f) in result.placed {
            assignment[c] = Some(f);
        }
    }
    Ok(Solved {
        assignment,
        proven_optimal,
        variables,
        components: components.len(),
        upper_bound,
    })
}

/// Passes of local search on the start plan (each pass tries every unplaced unit once).
const LOCAL_SEARCH_ROUNDS: usize = 3;

/// The objective of an assignment, computed from the placements as the contract states it
/// ([`crate::matching`], section Objective).
pub fn objective(problem: &Problem, assignment: &[Option<usize>], structure: &Structure) -> f64 {
    let mut total = 0.0;
    for (c, f) in assignment.iter().enumerate() {
        if let Some(f) = *f {
            let d = rules::distance(&problem.children[c], &problem.families[f]);
            total += rules::pair_value(problem, c, f, d);
        }
    }
    for group in &structure.split_groups {
        let mut used: Vec<usize> = group.iter().filter_map(|&c| assignment[c]).collect();
        used.sort_unstable();
        used.dedup();
        if !used.is_empty() {
            total -= problem.settings.weights.split * (used.len() - 1) as f64;
        }
    }
    total
}

/// Rules a pair breaks (for tests and explanations).
pub fn failed_rules(problem: &Problem, c: usize, f: usize) -> Vec<Rule> {
    rules::check_pair(problem, c, f).failed
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use crate::demo::{DemoOptions, generate};
    use crate::geo::Gazetteer;
    use crate::matching::Settings;

    /// A demo registry (sibling groups, some may be split; needs; real districts) with every
    /// child awaiting, as a problem.
    fn demo_problem(children: usize, families: usize, seed: u64, settings: Settings) -> Problem {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
        let gazetteer = Gazetteer::embedded().expect("gazetteer");
        let demo = generate(
            &DemoOptions {
                seed,
                families,
                children,
                today,
            },
            &gazetteer,
        );
        crate::demo::instance_of(&demo, today, settings)
            .validate()
            .expect("a valid instance")
    }

    /// Pricing from one family per unit (many rounds, pairs entering late) and no pricing at
    /// all (every pair in the first LP) must both prove the same optimum.
    #[test]
    fn pricing_reaches_the_optimum_of_the_whole_model() {
        let two_groups = Settings {
            max_groups_per_family: 2,
            ..Settings::default()
        };
        for (seed, settings) in [
            (1, Settings::default()),
            (2, Settings::default()),
            (3, two_groups),
        ] {
            let problem = demo_problem(400, 240, seed, settings);
            let structure = Structure::build(&problem);
            let baseline = crate::matching::greedy::assign(&problem, &structure);
            let control = RunControl {
                cancel: None,
                deadline: None,
                progress: None,
                baseline: &baseline,
            };
            let priced = solve_priced(&problem, &structure, &control, 1).expect("priced");
            let whole = solve_priced(&problem, &structure, &control, usize::MAX).expect("whole");
            assert!(priced.proven_optimal && whole.proven_optimal, "seed {seed}");
            let a = objective(&problem, &priced.assignment, &structure);
            let b = objective(&problem, &whole.assignment, &structure);
            assert!(
                (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                "seed {seed}: priced {a} vs whole {b}"
            );
            assert!(a <= priced.upper_bound + 1e-6 * a.abs(), "seed {seed}");
        }
    }
}
