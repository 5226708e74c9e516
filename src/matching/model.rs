//! The placement model on good_lp.
//!
//! Only compatible pairs get a variable. A sibling group that must stay together is one unit
//! with one variable per family that can take all of it; a group that may be split gets a
//! variable per child and family plus "family used" variables for the split penalty. The
//! compatibility graph falls apart into regional components (the distance limit); each is an
//! independent problem, solved separately and in parallel, which cannot change the optimum
//! because no constraint or objective term links two components.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use good_lp::{
    Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable, WithTimeLimit,
    variable,
};

use super::instance::{InputError, Problem};
use super::rules::{self, PairCheck, Rule};
use super::{MatchError, Progress, Stage};

/// The solver this build uses.
#[cfg(feature = "highs")]
pub const SOLVER: &str = "highs";
#[cfg(not(feature = "highs"))]
pub const SOLVER: &str = "microlp";

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
    /// The LP relaxation's optimum: no plan is worth more.
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
    let baseline_of = |units: &[usize]| -> Vec<(usize, usize)> {
        units
            .iter()
            .flat_map(|&u| structure.units[u].children.iter().copied())
            .filter_map(|c| baseline.get(c).copied().flatten().map(|f| (c, f)))
            .collect()
    };
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
            tally.value[i] = placed_value(problem, structure, &solved.placed);
            tally.bound[i] = solved.bound;
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
        proven_optimal &= result.optimal;
        variables += result.variables;
        upper_bound += result.bound;
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

struct ComponentResult {
    placed: Vec<(usize, usize)>,
    optimal: bool,
    variables: usize,
    /// The component's LP optimum.
    bound: f64,
}

/// Solves a component exactly.
///
/// The LP relaxation comes first. When its optimum is integral it is optimal for the integer
/// problem too (the LP bound is attained) — the usual case: with one group per family the
/// model is a bipartite assignment, whose LP is integral. Where the solver reports duals
/// (HiGHS), the LP is solved by pricing: it starts from each unit's best few families, and the
/// other pairs enter only when their reduced cost against the LP's duals is positive, until
/// none is — then the LP over those columns is the LP over all of them.
///
/// When the LP is fractional, branch and bound runs on a set S: the pairs the LP uses and those
/// whose reduced cost d is within τ of zero. A plan that uses a pair outside S is worth at most
/// z_LP − |d| < z_LP − τ, so once the best plan within S is worth z_S ≥ z_LP − τ it is optimal
/// for the whole component; if not, τ grows to z_LP − z_S and S is solved once more, which then
/// proves the same. S falls apart into small independent parts, and a part where the LP is
/// integral and untouched by split groups needs no branching: the LP's values are optimal there.
/// Without reduced costs (microlp) branch and bound runs on every variable.
fn solve_component(part: &Part<'_>) -> Result<ComponentResult, MatchError> {
    let part = *part;
    let Part {
        structure, units, ..
    } = part;
    let trace = std::env::var_os("YUVA_SOLVER_TRACE").is_some();
    let started = std::time::Instant::now();
    let lp = relaxation(&part, trace)?;
    let z_lp = lp.bound;
    if trace {
        eprintln!(
            "component of {} units: LP {:.3} s, {} of {} pairs generated, integral: {}",
            units.len(),
            started.elapsed().as_secs_f64(),
            lp.outcome.pairs.len(),
            lp.reduced
                .as_ref()
                .map_or(lp.outcome.pairs.len(), HashMap::len),
            lp.outcome.integral
        );
    }
    let tolerance = 1e-7 * z_lp.abs().max(1.0);
    if lp.outcome.integral && z_lp - lp.outcome.objective <= tolerance {
        return Ok(lp.outcome.result(structure, z_lp));
    }
    let Some(reduced) = &lp.reduced else {
        // Out of time, the LP's variables at 1 are a feasible plan (every constraint is a
        // packing constraint), not proven optimal.
        return match solve_model(&part, true, None, Start::Nothing) {
            Ok(mip) if mip.integral => Ok(mip.result(structure, z_lp)),
            Ok(_) | Err(MatchError::TimeLimit) => {
                Ok(lp.outcome.result(structure, z_lp).not_proven())
            }
            Err(e) => Err(e),
        };
    };
    // The full model's size: every pair, and the split groups' variables.
    let variables = reduced.len() + lp.outcome.variables - lp.outcome.pairs.len();
    // The first round keeps S small (the LP's pairs and those of zero reduced cost); it proves
    // optimality when the LP's gap is that small, and otherwise gives the plan to start from.
    let mut tau = tolerance;
    let mut best: Option<Restricted> = None;
    let mut first_round_done = false;
    // Branch and bound starts from the LP's pairs at 1 (a plan: every row is a packing row),
    // then from the best plan found.
    let mut start: HashSet<(usize, usize)> = lp
        .positive
        .iter()
        .filter(|&(_, value)| *value > 1.0 - 1e-6)
        .map(|(pair, _)| *pair)
        .collect();
    if trace {
        eprintln!("  start: {} pairs at 1", start.len());
    }
    // The second round, with τ at the first round's gap, proves optimality (branch and bound
    // starts from the first round's plan, and its cuts close what the LP leaves open).
    for _round in 0..3 {
        let allowed: HashSet<(usize, usize)> = reduced
            .iter()
            .filter(|&(pair, d)| lp.value(*pair) > 1e-9 || *d >= -tau)
            .map(|(pair, _)| *pair)
            .collect();
        let started = std::time::Instant::now();
        // The first round improves on the LP's plan; later ones prove the plan found.
        let from = if !first_round_done {
            Start::Plan(&start)
        } else {
            Start::Proof(&start)
        };
        let restricted = match solve_restricted(&part, &lp, &allowed, from) {
            Ok(restricted) => restricted,
            Err(MatchError::TimeLimit) => break,
            Err(e) => return Err(e),
        };
        let gap = z_lp - restricted.objective;
        first_round_done = true;
        if trace {
            eprintln!(
                "  restricted to {} of {} pairs (τ = {tau:.3}): {} parts, {} branched ({} units), {:.3} s, optimal {}, z_LP − z_S = {gap:.3}",
                allowed.len(),
                reduced.len(),
                restricted.parts,
                restricted.branched,
                restricted.branched_units,
                started.elapsed().as_secs_f64(),
                restricted.optimal
            );
        }
        if restricted.optimal && (gap <= tau + tolerance || allowed.len() == reduced.len()) {
            return Ok(ComponentResult {
                placed: restricted.placed,
                optimal: true,
                variables,
                bound: z_lp,
            });
        }
        let out_of_time = !restricted.optimal;
        if best
            .as_ref()
            .is_none_or(|b| restricted.objective > b.objective)
        {
            start = restricted
                .placed
                .iter()
                .map(|&(c, f)| (structure.unit_of[c], f))
                .collect();
            best = Some(restricted);
        }
        if out_of_time {
            break;
        }
        tau = gap + tolerance;
    }
    // Not proven in time: the best plan found, or the LP's variables at 1.
    Ok(match best {
        Some(best) => ComponentResult {
            placed: best.placed,
            optimal: false,
            variables,
            bound: z_lp,
        },
        None => lp.outcome.result(structure, z_lp).not_proven(),
    })
}

/// Branch and bound stops when no plan can be worth more than this above the best found (the
/// objective counts 1,000 per placement and 1 per km).
#[cfg(feature = "highs")]
const MIP_ABSOLUTE_GAP: f64 = 1e-4;

/// Whether this build's solver reports duals (for pricing and reduced-cost fixing).
const SOLVER_HAS_DUALS: bool = cfg!(feature = "highs");

/// Families each unit starts with when the LP is solved by pricing.
const FIRST_COLUMNS: usize = 6;
/// Pricing rounds at most (the tail of a degenerate LP can go on with pairs that change
/// nothing; what is left is then added to the bound).
const PRICING_ROUNDS: usize = 20;
/// Pairs of one unit that may enter in one pricing round.
const ENTERING_PER_UNIT: usize = 16;

/// The LP relaxation of a component, with the reduced cost of every pair where known.
struct LpRelaxation {
    /// The last LP solved (over the generated pairs).
    outcome: ModelOutcome,
    /// Reduced cost of every pair of the component's units (HiGHS).
    reduced: Option<HashMap<(usize, usize), f64>>,
    /// Pairs at a positive value.
    positive: HashMap<(usize, usize), f64>,
    /// No plan of the component is worth more (the LP's optimum, or a little above it when
    /// pricing stopped before the last degenerate pairs).
    bound: f64,
}

impl LpRelaxation {
    fn new(outcome: ModelOutcome, reduced: Option<HashMap<(usize, usize), f64>>) -> LpRelaxation {
        let positive = outcome
            .pairs
            .iter()
            .zip(&outcome.values)
            .filter(|(_, v)| **v > 1e-9)
            .map(|(pair, v)| (*pair, *v))
            .collect();
        LpRelaxation {
            bound: outcome.objective,
            outcome,
            reduced,
            positive,
        }
    }

    fn value(&self, pair: (usize, usize)) -> f64 {
        self.positive.get(&pair).copied().unwrap_or(0.0)
    }
}

/// Solves the component's LP relaxation: by pricing where the solver reports duals, else whole.
fn relaxation(part: &Part<'_>, trace: bool) -> Result<LpRelaxation, MatchError> {
    if !SOLVER_HAS_DUALS {
        return Ok(LpRelaxation::new(
            solve_model(part, false, None, Start::Nothing)?,
            None,
        ));
    }
    let structure = part.structure;
    let weight = part.problem.settings.weights.place.abs().max(1.0);
    // Split children and locked units keep every pair (their constraints are not priced).
    let priced =
        |u: usize| structure.units[u].split_group.is_none() && !part.locks.contains_key(&u);
    let mut columns: HashSet<(usize, usize)> = HashSet::new();
    for &u in part.units {
        let options = &structure.options[u];
        if priced(u) {
            let mut best: Vec<&(usize, f64)> = options.iter().collect();
            best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            columns.extend(best.iter().take(part.first_columns).map(|&&(f, _)| (u, f)));
        } else {
            columns.extend(options.iter().map(|&(f, _)| (u, f)));
        }
    }
    let mut rounds = 0;
    let mut stalled = 0;
    let mut previous = f64::NEG_INFINITY;
    // The round whose bound (z + Σ w_u) is lowest: any round's is valid for the whole LP.
    let mut best: Option<LpRelaxation> = None;
    loop {
        rounds += 1;
        let round_started = std::time::Instant::now();
        let outcome = solve_model(part, false, Some(&columns), Start::Nothing)?;
        let (Some(duals), Some(in_model)) = (&outcome.duals, &outcome.reduced_costs) else {
            return Ok(LpRelaxation::new(
                solve_model(part, false, None, Start::Nothing)?,
                None,
            ));
        };
        let mut reduced: HashMap<(usize, usize), f64> = outcome
            .pairs
            .iter()
            .copied()
            .zip(in_model.iter().copied())
            .collect();
        // The pricing formula must agree with the solver on the pairs in the model; if it
        // does not (a sign convention changed), the whole LP is solved instead.
        let disagreement = outcome
            .pairs
            .iter()
            .zip(in_model)
            .filter(|((u, _), _)| priced(*u))
            .map(|(&(u, f), d)| {
                let value = structure.options[u]
                    .iter()
                    .find(|(g, _)| *g == f)
                    .map_or(0.0, |&(_, value)| value);
                (duals.reduced_cost(structure, u, f, value) - d).abs()
            })
            .fold(0.0, f64::max);
        if disagreement > 1e-6 * weight {
            if trace {
                eprintln!("  pricing disagrees with the solver by {disagreement}: solving whole");
            }
            let whole = solve_model(part, false, None, Start::Nothing)?;
            let reduced = whole
                .reduced_costs
                .as_ref()
                .map(|d| whole.pairs.iter().copied().zip(d.iter().copied()).collect());
            return Ok(LpRelaxation::new(whole, reduced));
        }
        let mut entering = Vec::new();
        // w_u: the most any pair of unit u outside the LP could add (its largest positive
        // reduced cost). Raising u's row dual by w_u makes every pair's reduced cost ≤ 0, so
        // the LP over all pairs is worth at most z + Σ w_u.
        let mut raise: HashMap<usize, f64> = HashMap::new();
        for &u in part.units {
            if !priced(u) {
                continue;
            }
            let mut candidates = Vec::new();
            for &(f, value) in &structure.options[u] {
                if columns.contains(&(u, f)) {
                    continue;
                }
                let d = duals.reduced_cost(structure, u, f, value);
                reduced.insert((u, f), d);
                if d > 1e-7 * weight {
                    candidates.push((d, f));
                }
            }
            candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            if let Some(&(d, _)) = candidates.first() {
                raise.insert(u, d);
            }
            entering.extend(
                candidates
                    .into_iter()
                    .take(ENTERING_PER_UNIT)
                    .map(|(_, f)| (u, f)),
            );
        }
        let room: f64 = raise.values().sum();
        if trace {
            eprintln!(
                "  pricing round {rounds}: {:.3} s, {} pairs in the LP, objective {:.3}, {} enter, bound + {room:.4}",
                round_started.elapsed().as_secs_f64(),
                columns.len(),
                outcome.objective,
                entering.len()
            );
        }
        let objective = outcome.objective;
        let tolerance = 1e-7 * objective.abs().max(1.0);
        for (pair, d) in reduced.iter_mut() {
            if let Some(w) = raise.get(&pair.0) {
                *d -= w;
            }
        }
        let mut relaxation = LpRelaxation::new(outcome, Some(reduced));
        relaxation.bound += room;
        // Where a unit's dual was raised, the LP's values are not optimal on their own.
        relaxation.outcome.unsettled_units.extend(raise.keys());
        if entering.is_empty() || room <= tolerance {
            return Ok(relaxation);
        }
        if best.as_ref().is_none_or(|b| relaxation.bound < b.bound) {
            best = Some(relaxation);
        }
        // On a degenerate LP pricing tails off with pairs that change nothing: stop once the
        // LP's value has stood still for two rounds, with the lowest bound seen.
        stalled = if objective - previous <= tolerance {
            stalled + 1
        } else {
            0
        };
        previous = objective;
        if stalled >= 2 || rounds >= PRICING_ROUNDS {
            return best.ok_or_else(|| MatchError::Solver(String::from("pricing found no bound")));
        }
        columns.extend(entering);
    }
}

/// The best plan within a restricted set of pairs.
struct Restricted {
    placed: Vec<(usize, usize)>,
    objective: f64,
    /// Every part branched was solved to optimality (not stopped by the time limit).
    optimal: bool,
    parts: usize,
    branched: usize,
    branched_units: usize,
}

/// Solves the component with only the `allowed` pairs, part by independent part.
fn solve_restricted(
    part: &Part<'_>,
    lp: &LpRelaxation,
    allowed: &HashSet<(usize, usize)>,
    start: Start<'_>,
) -> Result<Restricted, MatchError> {
    let structure = part.structure;
    let parts = restricted_parts(structure, part.units, allowed);
    let mut placed = Vec::new();
    let mut optimal = true;
    let mut branched = 0;
    let mut branched_units = 0;
    for (units, families) in &parts {
        let settled = units
            .iter()
            .all(|u| !lp.outcome.unsettled_units.contains(u))
            && families
                .iter()
                .all(|f| !lp.outcome.unsettled_families.contains(f));
        if settled {
            for &u in units {
                for &(f, _) in &structure.options[u] {
                    if lp.value((u, f)) > 1.0 - 1e-6 {
                        placed.extend(structure.units[u].children.iter().map(|&c| (c, f)));
                    }
                }
            }
            continue;
        }
        branched += 1;
        branched_units += units.len();
        let sub = Part { units, ..*part };
        let outcome = solve_model(&sub, true, Some(allowed), start)?;
        if !outcome.integral {
            return Err(MatchError::Solver(String::from(
                "the integer solution is fractional",
            )));
        }
        optimal &= outcome.optimal;
        placed.extend(outcome.result(structure, 0.0).placed);
    }
    Ok(Restricted {
        objective: placed_value(part.problem, structure, &placed),
        placed,
        optimal,
        parts: parts.len(),
        branched,
        branched_units,
    })
}

/// Independent parts of a component when only the `allowed` pairs may be used: (units,
/// families) linked by allowed pairs or by a split group.
fn restricted_parts(
    structure: &Structure,
    units: &[usize],
    allowed: &HashSet<(usize, usize)>,
) -> Vec<(Vec<usize>, Vec<usize>)> {
    // Units are 0..U, family f is U + f.
    let unit_count = structure.units.len();
    let mut sets = DisjointSets::new(unit_count + structure.eligible.len());
    let allowed_families = |u: usize| {
        structure.options[u]
            .iter()
            .map(|&(f, _)| f)
            .filter(move |&f| allowed.contains(&(u, f)))
    };
    let mut split_first: HashMap<usize, usize> = HashMap::new();
    for &u in units {
        for f in allowed_families(u) {
            sets.union(u, unit_count + f);
        }
        if let Some(g) = structure.units[u].split_group {
            let first = *split_first.entry(g).or_insert(u);
            sets.union(first, u);
        }
    }
    let mut parts: BTreeMap<usize, (Vec<usize>, BTreeSet<usize>)> = BTreeMap::new();
    for &u in units {
        let part = parts.entry(sets.find(u)).or_default();
        part.0.push(u);
        part.1.extend(allowed_families(u));
    }
    // A unit without an allowed pair stays unplaced within S.
    parts
        .into_values()
        .filter(|(_, families)| !families.is_empty())
        .map(|(units, families)| (units, families.into_iter().collect()))
        .collect()
}

/// The objective of a component's placements (child, family).
fn placed_value(problem: &Problem, structure: &Structure, placed: &[(usize, usize)]) -> f64 {
    let mut total = 0.0;
    let mut split_families: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(c, f) in placed {
        if let Some(check) = structure.compatible.get(&(c, f)) {
            total += rules::pair_value(problem, c, f, check.distance_km);
        }
        if let Some(g) = structure.units[structure.unit_of[c]].split_group {
            split_families.entry(g).or_default().push(f);
        }
    }
    for mut families in split_families.into_values() {
        families.sort_unstable();
        families.dedup();
        total -= problem.settings.weights.split * (families.len() - 1) as f64;
    }
    total
}

/// The LP's duals of the rows a together unit's pair appears in (HiGHS: reduced cost =
/// objective coefficient − Σ row coefficient × row dual; a row not in the model has dual 0).
#[derive(Default)]
struct RowDuals {
    unit: HashMap<usize, f64>,
    capacity: HashMap<usize, f64>,
    groups: HashMap<usize, f64>,
}

impl RowDuals {
    /// Reduced cost of the pair (unit, family) of a unit that is not a split child.
    fn reduced_cost(&self, structure: &Structure, u: usize, f: usize, value: f64) -> f64 {
        let size = structure.units[u].children.len() as f64;
        value
            - self.unit.get(&u).copied().unwrap_or(0.0)
            - size * self.capacity.get(&f).copied().unwrap_or(0.0)
            - self.groups.get(&f).copied().unwrap_or(0.0)
    }
}

/// Where branch and bound starts (microlp takes no start: the plans are unused there).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "highs"), allow(dead_code))]
enum Start<'a> {
    Nothing,
    /// A plan (unit, family pairs) to improve on.
    Plan(&'a HashSet<(usize, usize)>),
    /// A plan believed optimal, to prove: primal heuristics off.
    Proof(&'a HashSet<(usize, usize)>),
}

/// A component and what its models are built from.
#[derive(Clone, Copy)]
struct Part<'a> {
    problem: &'a Problem,
    structure: &'a Structure,
    units: &'a [usize],
    locks: &'a HashMap<usize, usize>,
    deadline: Option<std::time::Instant>,
    /// Families each unit's LP starts with when solved by pricing.
    first_columns: usize,
}

/// What one solve of a component's model gave.
struct ModelOutcome {
    /// (unit, family) of each assignment variable, with its value.
    pairs: Vec<(usize, usize)>,
    values: Vec<f64>,
    /// Reduced costs of the assignment variables, where the solver reports them.
    reduced_costs: Option<Vec<f64>>,
    /// Duals of the rows pricing needs (HiGHS, relaxation only).
    duals: Option<RowDuals>,
    objective: f64,
    integral: bool,
    optimal: bool,
    variables: usize,
    /// Units with a fractional value or in a split group, and families with a fractional
    /// value or used by a split group: where the LP's values may not be optimal on their own.
    unsettled_units: HashSet<usize>,
    unsettled_families: HashSet<usize>,
}

impl ModelOutcome {
    /// The placements of the variables at 1.
    fn result(&self, structure: &Structure, bound: f64) -> ComponentResult {
        let mut placed = Vec::new();
        for (&(u, f), &value) in self.pairs.iter().zip(&self.values) {
            if value > 1.0 - 1e-6 {
                placed.extend(structure.units[u].children.iter().map(|&c| (c, f)));
            }
        }
        ComponentResult {
            placed,
            optimal: self.optimal,
            variables: self.variables,
            bound,
        }
    }
}

impl ComponentResult {
    fn not_proven(mut self) -> ComponentResult {
        self.optimal = false;
        self
    }
}

/// A 0–1 variable: binary, or continuous in [0, 1] for the relaxation.
fn unit_interval(integer: bool) -> good_lp::VariableDefinition {
    if integer {
        variable().binary()
    } else {
        variable().min(0.0).max(1.0)
    }
}

/// Builds and solves the component's model (the relaxation unless `integer`), with only the
/// `allowed` assignment pairs when given.
fn solve_model(
    part: &Part<'_>,
    integer: bool,
    allowed: Option<&HashSet<(usize, usize)>>,
    start: Start<'_>,
) -> Result<ModelOutcome, MatchError> {
    let Part {
        problem,
        structure,
        units,
        locks,
        deadline,
        ..
    } = *part;
    let settings = problem.settings;
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    // (unit, family, variable)
    let mut x: Vec<(usize, usize, Variable)> = Vec::new();
    let mut by_family: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &u in units {
        let locked = locks.get(&u).copied();
        for &(f, value) in &structure.options[u] {
            if allowed.is_some_and(|a| !a.contains(&(u, f))) {
                continue;
            }
            let definition = match locked {
                Some(l) if l == f => unit_interval(integer).min(1.0),
                Some(_) => continue,
                None => unit_interval(integer),
            };
            let v = vars.add(definition);
            objective += value * v;
            by_family.entry(f).or_default().push(x.len());
            x.push((u, f, v));
        }
    }
    // Split groups: whether a group uses a family ("used", paid W_split) and whether it places
    // anyone at all ("any", given back once). "Used" is the child itself where only one child
    // of the group can go to the family, the children's sum where the family has one free place
    // (its capacity row keeps that ≤ 1), and otherwise a variable of its own, at least each
    // child's. The first two need no row or variable, and leave the LP's optimum unchanged.
    let mut split_children: BTreeMap<(usize, usize), Vec<Variable>> = BTreeMap::new();
    for &(u, f, v) in &x {
        if let Some(g) = structure.units[u].split_group {
            split_children.entry((g, f)).or_default().push(v);
        }
    }
    let mut split_used: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut split_z: Vec<((usize, usize), Variable)> = Vec::new();
    let mut split_any: BTreeMap<usize, Variable> = BTreeMap::new();
    for (&(g, f), children) in &split_children {
        let used = if children.len() == 1 {
            Expression::from(children[0])
        } else if problem.families[f].free_places() == 1 {
            children.iter().copied().map(Expression::from).sum()
        } else {
            let z = vars.add(unit_interval(integer));
            split_z.push(((g, f), z));
            Expression::from(z)
        };
        objective -= settings.weights.split * used.clone();
        split_used.insert((g, f), used);
        split_any
            .entry(g)
            .or_insert_with(|| vars.add(unit_interval(integer)));
    }
    for &p in split_any.values() {
        objective += settings.weights.split * p;
    }
    let variables = x.len() + split_z.len() + split_any.len();

    // Kept to evaluate at the solution (what the solver maximised).
    let maximised = objective.clone();
    #[cfg(feature = "highs")]
    let mut model = vars.maximise(objective).using(good_lp::highs);
    #[cfg(not(feature = "highs"))]
    let mut model = vars.maximise(objective).using(good_lp::microlp);
    // Each unit goes to one family at most.
    // Rows are numbered in the order they are added; pricing needs the duals of some.
    let mut rows = 0;
    let mut unit_rows: Vec<(usize, usize)> = Vec::new();
    let mut capacity_rows: Vec<(usize, usize)> = Vec::new();
    let mut group_rows: Vec<(usize, usize)> = Vec::new();
    let mut per_unit: BTreeMap<usize, Expression> = BTreeMap::new();
    for &(u, _, v) in &x {
        *per_unit.entry(u).or_default() += v;
    }
    for (u, e) in per_unit {
        model.add_constraint(e.leq(1.0));
        unit_rows.push((u, rows));
        rows += 1;
    }
    for (&f, indices) in &by_family {
        let family = &problem.families[f];
        // Capacity, when the options could exceed it.
        let demand: usize = indices
            .iter()
            .map(|&i| structure.units[x[i].0].children.len())
            .sum();
        if demand > family.free_places() as usize {
            let mut e = Expression::from(0.0);
            for &i in indices {
                e += structure.units[x[i].0].children.len() as f64 * x[i].2;
            }
            model.add_constraint(e.leq(family.free_places() as f64));
            capacity_rows.push((f, rows));
            rows += 1;
        }
        // Distinct groups per family: a together unit counts once, a split group once.
        let mut e = Expression::from(0.0);
        let mut terms = 0;
        let mut groups_seen = Vec::new();
        for &i in indices {
            let (u, _, v) = x[i];
            match structure.units[u].split_group {
                None => {
                    e += v;
                    terms += 1;
                }
                Some(g) => {
                    if !groups_seen.contains(&g) {
                        groups_seen.push(g);
                        e += split_used[&(g, f)].clone();
                        terms += 1;
                    }
                }
            }
        }
        if terms > settings.max_groups_per_family as usize {
            model.add_constraint(e.leq(settings.max_groups_per_family as f64));
            group_rows.push((f, rows));
            rows += 1;
        }
    }
    // Where "used" is a variable: each child there marks it, and a family with fewer free
    // places than the children who could go there holds at most that many, only when used.
    // Every integral plan satisfies this; without it the LP could spread two siblings over two
    // families at one half each and pay no split penalty.
    for &((g, f), z) in &split_z {
        let children = &split_children[&(g, f)];
        for &v in children {
            model.add_constraint((Expression::from(v) - z).leq(0.0));
        }
        let room = problem.families[f].free_places() as usize;
        if room < children.len() {
            let there: Expression = children.iter().copied().map(Expression::from).sum();
            model.add_constraint((there - room as f64 * z).leq(0.0));
        }
    }
    for (&g, &p) in &split_any {
        let mut used = Expression::from(0.0);
        for (_, e) in split_used.range((g, 0)..(g + 1, 0)) {
            used += e.clone();
        }
        model.add_constraint((Expression::from(p) - used).leq(0.0));
    }
    // Placing n children of a group takes at least ⌈n / R⌉ families, R being the most of them
    // any one family can take. With J = ⌊k / R⌋ for a group of k, the line through (J, J·R) and
    // (J + 1, k) bounds n by the families used Z: n ≤ J·R + (k − J·R)(Z − J). Every plan
    // satisfies it; the LP otherwise spreads a group of 4 over three 3-place families at a third
    // each, paying for 4/3 families instead of 2.
    for &g in split_any.keys() {
        let members = &structure.split_groups[g];
        // Children who can be placed at all.
        let k = members
            .iter()
            .filter(|&&c| !structure.options[structure.unit_of[c]].is_empty())
            .count();
        let mut children_at: HashMap<usize, usize> = HashMap::new();
        for &c in members {
            for &(f, _) in &structure.options[structure.unit_of[c]] {
                *children_at.entry(f).or_default() += 1;
            }
        }
        let most = children_at
            .iter()
            .map(|(&f, &n)| n.min(problem.families[f].free_places() as usize))
            .max()
            .unwrap_or(0);
        if most == 0 || most >= k || k % most == 0 {
            continue;
        }
        let whole = k / most;
        let rest = (k - whole * most) as f64;
        let mut placed = Expression::from(0.0);
        let mut families = Expression::from(0.0);
        for (&(group, _), children) in split_children.range((g, 0)..(g + 1, 0)) {
            debug_assert_eq!(group, g);
            for &v in children {
                placed += v;
            }
        }
        for (_, e) in split_used.range((g, 0)..(g + 1, 0)) {
            families += e.clone();
        }
        let bound = (whole * most) as f64 - rest * whole as f64;
        model.add_constraint((placed - rest * families).leq(bound));
    }

    if let Some(deadline) = deadline {
        let left = deadline
            .saturating_duration_since(std::time::Instant::now())
            .as_secs_f64();
        if left <= 0.0 {
            return Err(MatchError::TimeLimit);
        }
        model = model.with_time_limit(left);
    }
    // HiGHS stops at a relative gap of 1e-4 by default: an exact plan needs none.
    #[cfg(feature = "highs")]
    if integer {
        model = model
            .set_mip_rel_gap(0.0)
            .and_then(|m| m.set_mip_abs_gap(MIP_ABSOLUTE_GAP as f32))
            .map_err(|e| MatchError::Solver(e.to_string()))?;
    }
    // A known plan (unit, family) to start branch and bound from.
    #[cfg(feature = "highs")]
    if let (true, Start::Plan(pairs) | Start::Proof(pairs)) = (integer, start) {
        use good_lp::solvers::WithInitialSolution;
        let mut initial = Vec::with_capacity(variables);
        let mut used: HashSet<(usize, usize)> = HashSet::new();
        for &(u, f, v) in &x {
            let on = pairs.contains(&(u, f));
            if let (true, Some(g)) = (on, structure.units[u].split_group) {
                used.insert((g, f));
            }
            initial.push((v, if on { 1.0 } else { 0.0 }));
        }
        for &((g, f), z) in &split_z {
            initial.push((z, if used.contains(&(g, f)) { 1.0 } else { 0.0 }));
        }
        for (&g, &p) in &split_any {
            let any = used.iter().any(|&(group, _)| group == g);
            initial.push((p, if any { 1.0 } else { 0.0 }));
        }
        model = model.with_initial_solution(initial);
        // HiGHS's presolve takes longer on these models than it saves (10k × 6k proof: 72 s
        // with it, 20 s without), and it does not stop at the time limit.
        model = model.set_option("presolve", "off");
        // A plan believed optimal needs no search for better ones, only the proof.
        if matches!(start, Start::Proof(_)) {
            model = model.set_option("mip_heuristic_effort", 0.0);
        }
    }
    #[cfg(not(feature = "highs"))]
    let _ = start;
    #[cfg(feature = "highs")]
    if std::env::var_os("YUVA_HIGHS_VERBOSE").is_some() {
        model.set_verbose(true);
    }
    #[cfg(not(feature = "highs"))]
    let _ = (rows, &unit_rows, &capacity_rows, &group_rows);
    let solve_started = std::time::Instant::now();
    let solution = model.solve();
    if std::env::var_os("YUVA_SOLVER_TRACE").is_some() {
        eprintln!(
            "    solver: {:.3} s ({} variables, integer: {integer})",
            solve_started.elapsed().as_secs_f64(),
            variables
        );
    }
    let solution = solution.map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => MatchError::Infeasible(String::from(
            "the locked pairs cannot all be honoured together (family places or max_groups_per_family)",
        )),
        _ if deadline.is_some_and(|d| std::time::Instant::now() >= d) => MatchError::TimeLimit,
        other => MatchError::Solver(other.to_string()),
    })?;
    // A gap stop is the absolute gap set above: optimal for any purpose of a plan.
    let optimal = matches!(
        solution.status(),
        SolutionStatus::Optimal | SolutionStatus::GapLimit
    );
    let integral = |v: Variable| {
        let value = solution.value(v);
        value.abs() < 1e-6 || (value - 1.0).abs() < 1e-6
    };
    let all_integral = x.iter().all(|&(_, _, v)| integral(v))
        && split_z.iter().all(|&(_, v)| integral(v))
        && split_any.values().all(|&v| integral(v));
    let values: Vec<f64> = x.iter().map(|&(_, _, v)| solution.value(v)).collect();
    let fractional = |value: f64| value > 1e-6 && value < 1.0 - 1e-6;
    let mut unsettled_units = HashSet::new();
    let mut unsettled_families = HashSet::new();
    for (&(u, f, _), &value) in x.iter().zip(&values) {
        if fractional(value) || structure.units[u].split_group.is_some() {
            unsettled_units.insert(u);
        }
        if fractional(value) {
            unsettled_families.insert(f);
        }
    }
    for (&(_, f), used) in &split_used {
        if solution.eval(used) > 1e-9 {
            unsettled_families.insert(f);
        }
    }
    let objective_value = solution.eval(&maximised);
    #[cfg(feature = "highs")]
    let (reduced_costs, duals) = if integer {
        (None, None)
    } else {
        let inner = solution.into_inner();
        let columns = inner.dual_columns();
        let row_duals = inner.dual_rows();
        let dual_of = |list: &[(usize, usize)]| -> HashMap<usize, f64> {
            list.iter()
                .map(|&(key, row)| (key, row_duals.get(row).copied().unwrap_or(0.0)))
                .collect()
        };
        // The assignment variables were added first, in order: variable k is column k.
        (
            Some(
                (0..x.len())
                    .map(|k| columns.get(k).copied().unwrap_or(0.0))
                    .collect(),
            ),
            Some(RowDuals {
                unit: dual_of(&unit_rows),
                capacity: dual_of(&capacity_rows),
                groups: dual_of(&group_rows),
            }),
        )
    };
    #[cfg(not(feature = "highs"))]
    let (reduced_costs, duals) = (None, None);
    Ok(ModelOutcome {
        pairs: x.iter().map(|&(u, f, _)| (u, f)).collect(),
        values,
        reduced_costs,
        duals,
        objective: objective_value,
        integral: all_integral,
        optimal,
        variables,
        unsettled_units,
        unsettled_families,
    })
}

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
