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

use good_lp::{
    Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable, WithTimeLimit,
    variable,
};

use super::MatchError;
use super::instance::{InputError, Problem};
use super::rules::{self, PairCheck, Rule};

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
        let mut parent: Vec<usize> = (0..units + families).collect();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (find(parent, a), find(parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        for (u, options) in self.options.iter().enumerate() {
            for &(f, _) in options {
                union(&mut parent, u, units + f);
            }
        }
        // Children of a split group share a penalty: keep them in one component.
        for group in &self.split_groups {
            for pair in group.windows(2) {
                union(&mut parent, self.unit_of[pair[0]], self.unit_of[pair[1]]);
            }
        }
        let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for u in 0..units {
            if !self.options[u].is_empty() {
                let root = find(&mut parent, u);
                components.entry(root).or_default().push(u);
            }
        }
        components.into_values().collect()
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
                .find(|o| o.rule == *rule)
                .map(|o| format!("{} vs {}", o.child, o.family))
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
    cancel: Option<&AtomicBool>,
    deadline: Option<std::time::Instant>,
) -> Result<Solved, MatchError> {
    let locks = check_locks(problem, structure)?;
    let components = structure.components(problem.families.len());
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
                        solve_component(problem, structure, &components[i], &locks, deadline)
                    };
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
    let mut greedy: Option<Vec<Option<usize>>> = None;
    for (i, slot) in slots.into_iter().enumerate() {
        let result =
            slot.ok_or_else(|| MatchError::Solver(String::from("a component was not solved")))?;
        let result = match result {
            // Out of time before even the LP of this component was solved: the greedy plan of
            // its units stands (locks placed first), not proven, under the bound of every unit
            // at its best family.
            Err(MatchError::TimeLimit) => {
                let greedy =
                    greedy.get_or_insert_with(|| super::greedy::assign(problem, structure));
                let units = &components[i];
                ComponentResult {
                    placed: units
                        .iter()
                        .flat_map(|&u| structure.units[u].children.iter().copied())
                        .filter_map(|c| greedy[c].map(|f| (c, f)))
                        .collect(),
                    optimal: false,
                    variables: 0,
                    bound: units
                        .iter()
                        .map(|&u| {
                            structure.options[u]
                                .iter()
                                .map(|&(_, value)| value)
                                .fold(0.0, f64::max)
                        })
                        .sum(),
                }
            }
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
/// model is a bipartite assignment, whose LP is integral. Otherwise, where the solver reports
/// reduced costs (HiGHS), branch and bound runs on a small set S: the variables the LP uses and
/// those whose reduced cost d is within τ. A plan that uses a variable outside S is worth at most
/// z_LP − |d| < z_LP − τ, so once the best plan within S is worth z_S ≥ z_LP − τ it is optimal
/// for the whole component; if not, τ grows to z_LP − z_S and S is solved once more, which then
/// proves the same. Without reduced costs (microlp) branch and bound runs on every variable.
fn solve_component(
    problem: &Problem,
    structure: &Structure,
    units: &[usize],
    locks: &HashMap<usize, usize>,
    deadline: Option<std::time::Instant>,
) -> Result<ComponentResult, MatchError> {
    let part = Part {
        problem,
        structure,
        units,
        locks,
        deadline,
    };
    let trace = std::env::var_os("YUVA_SOLVER_TRACE").is_some();
    let started = std::time::Instant::now();
    let lp = solve_model(&part, false, None)?;
    if trace {
        eprintln!(
            "component of {} units: LP {:.3} s, {} variables, integral: {}",
            units.len(),
            started.elapsed().as_secs_f64(),
            lp.pairs.len(),
            lp.integral
        );
    }
    if lp.integral {
        return Ok(lp.result(structure, lp.objective));
    }
    let Some(reduced) = lp.reduced_costs.clone() else {
        // Out of time, the LP's variables at 1 are a feasible plan (every constraint is a
        // packing constraint), not proven optimal.
        return match solve_model(&part, true, None) {
            Ok(mip) if mip.integral => Ok(mip.result(structure, lp.objective)),
            Ok(_) | Err(MatchError::TimeLimit) => {
                Ok(lp.result(structure, lp.objective).not_proven())
            }
            Err(e) => Err(e),
        };
    };
    // τ is 1 % of a routine placement's value: most reduced costs are far larger.
    let tolerance = 1e-7 * lp.objective.abs().max(1.0);
    let tau = (problem.settings.weights.place * 0.01).max(1.0);
    let allowed: std::collections::HashSet<(usize, usize)> = lp
        .pairs
        .iter()
        .zip(&lp.values)
        .zip(&reduced)
        .filter(|((_, value), d)| **value > 1e-9 || d.abs() <= tau)
        .map(|((pair, _), _)| *pair)
        .collect();
    let started = std::time::Instant::now();
    let restricted = solve_model(&part, true, Some(&allowed));
    let restricted = match restricted {
        Ok(restricted) if restricted.integral => restricted,
        // Out of time before any integral plan: the LP's variables at 1 are one (every
        // constraint is a packing constraint), not proven optimal.
        Ok(_) | Err(MatchError::TimeLimit) => {
            return Ok(lp.result(structure, lp.objective).not_proven());
        }
        Err(e) => return Err(e),
    };
    let gap = lp.objective - restricted.objective;
    if trace {
        eprintln!(
            "  branch and bound on {} of {} variables (τ = {tau:.1}): {:.3} s, z_LP − z_S = {gap:.3}",
            restricted.pairs.len(),
            lp.pairs.len(),
            started.elapsed().as_secs_f64()
        );
    }
    if gap <= tau + tolerance || allowed.len() == lp.pairs.len() {
        return restricted.integral_result(structure, lp.variables, lp.objective);
    }
    // Not proven within S: branch and bound on every variable.
    let started = std::time::Instant::now();
    let full = match solve_model(&part, true, None) {
        Ok(full) => full,
        // Out of time with no better plan: the restricted one stands, not proven.
        Err(MatchError::TimeLimit) => {
            return Ok(restricted
                .integral_result(structure, lp.variables, lp.objective)?
                .not_proven());
        }
        Err(e) => return Err(e),
    };
    if trace {
        eprintln!(
            "  branch and bound on all variables from that plan: {:.3} s",
            started.elapsed().as_secs_f64()
        );
    }
    full.integral_result(structure, lp.variables, lp.objective)
}

/// A component and what its models are built from.
#[derive(Clone, Copy)]
struct Part<'a> {
    problem: &'a Problem,
    structure: &'a Structure,
    units: &'a [usize],
    locks: &'a HashMap<usize, usize>,
    deadline: Option<std::time::Instant>,
}

/// What one solve of a component's model gave.
struct ModelOutcome {
    /// (unit, family) of each assignment variable, with its value.
    pairs: Vec<(usize, usize)>,
    values: Vec<f64>,
    /// Reduced costs of the assignment variables, where the solver reports them.
    reduced_costs: Option<Vec<f64>>,
    objective: f64,
    integral: bool,
    optimal: bool,
    variables: usize,
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

    /// The result of a branch-and-bound solve, reporting `variables` (the full model's size)
    /// and the LP `bound`.
    fn integral_result(
        &self,
        structure: &Structure,
        variables: usize,
        bound: f64,
    ) -> Result<ComponentResult, MatchError> {
        if !self.integral {
            return Err(MatchError::Solver(String::from(
                "the integer solution is fractional",
            )));
        }
        let mut result = self.result(structure, bound);
        result.variables = variables;
        Ok(result)
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
    allowed: Option<&std::collections::HashSet<(usize, usize)>>,
) -> Result<ModelOutcome, MatchError> {
    let Part {
        problem,
        structure,
        units,
        locks,
        deadline,
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
    // Split groups of this component: "family used" and "any placed" variables.
    let mut split_used: BTreeMap<(usize, usize), Variable> = BTreeMap::new();
    let mut split_any: BTreeMap<usize, Variable> = BTreeMap::new();
    for &(u, f, _) in &x {
        if let Some(g) = structure.units[u].split_group {
            split_used
                .entry((g, f))
                .or_insert_with(|| vars.add(unit_interval(integer)));
            split_any
                .entry(g)
                .or_insert_with(|| vars.add(unit_interval(integer)));
        }
    }
    for (&(_, _), &z) in &split_used {
        objective -= settings.weights.split * z;
    }
    for &p in split_any.values() {
        objective += settings.weights.split * p;
    }
    let variables = x.len() + split_used.len() + split_any.len();

    #[cfg(feature = "highs")]
    let mut model = vars.maximise(objective).using(good_lp::highs);
    #[cfg(not(feature = "highs"))]
    let mut model = vars.maximise(objective).using(good_lp::microlp);
    // Each unit goes to one family at most.
    let mut per_unit: BTreeMap<usize, Expression> = BTreeMap::new();
    for &(u, _, v) in &x {
        *per_unit.entry(u).or_default() += v;
    }
    for (_, e) in per_unit {
        model.add_constraint(e.leq(1.0));
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
                        e += split_used[&(g, f)];
                        terms += 1;
                    }
                }
            }
        }
        if terms > settings.max_groups_per_family as usize {
            model.add_constraint(e.leq(settings.max_groups_per_family as f64));
        }
    }
    // A split child in a family marks the family used by its group; "any placed" needs a use.
    for &(u, f, v) in &x {
        if let Some(g) = structure.units[u].split_group {
            let z = split_used[&(g, f)];
            model.add_constraint((Expression::from(v) - z).leq(0.0));
        }
    }
    // A family with fewer free places than the group holds at most that many of its children,
    // and only when it counts as used. Every integral plan satisfies this; without it the LP
    // could spread two siblings over two one-place families at one half each and pay no split
    // penalty, a relaxation weaker by W_split for each such group.
    let mut per_group_family: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for &(u, f, v) in &x {
        if let Some(g) = structure.units[u].split_group {
            *per_group_family.entry((g, f)).or_default() += v;
        }
    }
    for ((g, f), children_there) in per_group_family {
        let room = problem.families[f].free_places() as usize;
        if room < structure.split_groups[g].len() {
            let z = split_used[&(g, f)];
            model.add_constraint((children_there - room as f64 * z).leq(0.0));
        }
    }
    for (&g, &p) in &split_any {
        let mut used = Expression::from(0.0);
        for (&(group, _), &z) in &split_used {
            if group == g {
                used += z;
            }
        }
        model.add_constraint((Expression::from(p) - used).leq(0.0));
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
    let solution = model.solve().map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => MatchError::Infeasible(String::from(
            "the locked pairs cannot all be honoured together (family places or max_groups_per_family)",
        )),
        _ if deadline.is_some_and(|d| std::time::Instant::now() >= d) => MatchError::TimeLimit,
        other => MatchError::Solver(other.to_string()),
    })?;
    let optimal = matches!(solution.status(), SolutionStatus::Optimal);
    let integral = |v: Variable| {
        let value = solution.value(v);
        value.abs() < 1e-6 || (value - 1.0).abs() < 1e-6
    };
    let all_integral = x.iter().all(|&(_, _, v)| integral(v))
        && split_used.values().all(|&v| integral(v))
        && split_any.values().all(|&v| integral(v));
    let values: Vec<f64> = x.iter().map(|&(_, _, v)| solution.value(v)).collect();
    let objective_value = objective_of(
        &solution,
        &x,
        structure,
        &split_used,
        &split_any,
        settings.weights.split,
    );
    #[cfg(feature = "highs")]
    let reduced_costs = {
        let inner = solution.into_inner();
        let duals = inner.dual_columns();
        // The assignment variables were added first, in order: variable k is column k.
        Some(
            (0..x.len())
                .map(|k| duals.get(k).copied().unwrap_or(0.0))
                .collect(),
        )
    };
    #[cfg(not(feature = "highs"))]
    let reduced_costs = None;
    Ok(ModelOutcome {
        pairs: x.iter().map(|&(u, f, _)| (u, f)).collect(),
        values,
        reduced_costs,
        objective: objective_value,
        integral: all_integral,
        optimal,
        variables,
    })
}

/// The model's objective at a solution (what the solver maximised).
fn objective_of(
    solution: &impl Solution,
    x: &[(usize, usize, Variable)],
    structure: &Structure,
    split_used: &BTreeMap<(usize, usize), Variable>,
    split_any: &BTreeMap<usize, Variable>,
    split_weight: f64,
) -> f64 {
    let mut total: f64 = 0.0;
    for &(u, f, v) in x {
        if let Some(&(_, value)) = structure.options[u].iter().find(|(g, _)| *g == f) {
            total += value * solution.value(v);
        }
    }
    total -= split_weight * split_used.values().map(|&z| solution.value(z)).sum::<f64>();
    total += split_weight * split_any.values().map(|&p| solution.value(p)).sum::<f64>();
    total
}

/// The objective of an assignment, computed from the placements as DESIGN §5 states it.
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
