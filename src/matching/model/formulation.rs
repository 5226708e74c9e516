//! The model of one component on good_lp: its variables, objective and rows, solved by the
//! build's backend.

use std::collections::{BTreeMap, HashMap, HashSet};

use good_lp::{
    Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable, WithTimeLimit,
    variable,
};

use super::backend::{Active, Backend, DualRows};
use super::component::{ModelOutcome, Part, Start};
use crate::matching::MatchError;

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
pub(super) fn solve_model(
    part: &Part<'_>,
    integer: bool,
    allowed: Option<&HashSet<(usize, usize)>>,
    start: Start<'_>,
) -> Result<ModelOutcome, MatchError> {
    solve_on::<Active>(part, integer, allowed, start)
}

fn solve_on<B: Backend>(
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
    let mut model = B::model(vars.maximise(objective));
    // Each unit goes to one family at most.
    // Rows are numbered in the order they are added; pricing needs the duals of some.
    let mut rows = 0;
    let mut dual_rows = DualRows::default();
    let mut per_unit: BTreeMap<usize, Expression> = BTreeMap::new();
    for &(u, _, v) in &x {
        *per_unit.entry(u).or_default() += v;
    }
    for (u, e) in per_unit {
        model.add_constraint(e.leq(1.0));
        dual_rows.unit.push((u, rows));
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
            dual_rows.capacity.push((f, rows));
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
            dual_rows.groups.push((f, rows));
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
    if integer {
        // A known plan (unit, family) to start branch and bound from.
        let initial = match start {
            Start::Plan(pairs) | Start::Proof(pairs) => {
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
                Some(initial)
            }
            Start::Nothing => None,
        };
        model = B::exact(model, initial, matches!(start, Start::Proof(_)))?;
    }
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
    let (reduced_costs, duals) = match (integer, B::HAS_DUALS) {
        (false, true) => B::duals(solution, x.len(), &dual_rows).unzip(),
        _ => (None, None),
    };
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
