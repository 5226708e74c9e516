//! One regional component solved exactly: its LP relaxation (by pricing where the solver gives
//! duals), then branch and bound on the pairs whose reduced cost is within the gap, part by
//! independent part.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::backend::{Active, Backend};
use super::formulation::solve_model;
use super::{DisjointSets, Problem, Structure};
use crate::matching::MatchError;
use crate::matching::rules;

pub(super) struct ComponentResult {
    pub(super) placed: Vec<(usize, usize)>,
    pub(super) optimal: bool,
    pub(super) variables: usize,
    /// The component's LP optimum.
    pub(super) bound: f64,
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
pub(super) fn solve_component(part: &Part<'_>) -> Result<ComponentResult, MatchError> {
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
                // The better of the LP's variables at 1 and the baseline, not proven.
                let rounded = lp.outcome.result(structure, z_lp).not_proven();
                let baseline = children_of(structure, &part.baseline_pairs());
                let value =
                    |placed: &[(usize, usize)]| placed_value(part.problem, structure, placed);
                Ok(if value(&baseline) > value(&rounded.placed) {
                    ComponentResult {
                        placed: baseline,
                        ..rounded
                    }
                } else {
                    rounded
                })
            }
            Err(e) => Err(e),
        };
    };
    // The full model's size: every pair, and the split groups' variables.
    let variables = reduced.len() + lp.outcome.variables - lp.outcome.pairs.len();
    // The first round keeps S small (the LP's pairs and those of zero reduced cost); it proves
    // optimality when the LP's gap is that small, and otherwise gives the plan to start from.
    let mut tau = tolerance;
    let mut first_round_done = false;
    // Branch and bound starts from the better of the LP's pairs at 1 (a plan: every row is a
    // packing row) and the greedy baseline, then from the best plan found. The baseline is the
    // first incumbent, so that no plan returned is worse than it.
    let rounded: HashSet<(usize, usize)> = lp
        .positive
        .iter()
        .filter(|&(_, value)| *value > 1.0 - 1e-6)
        .map(|(pair, _)| *pair)
        .collect();
    let baseline = part.baseline_pairs();
    let value_of = |pairs: &HashSet<(usize, usize)>| {
        placed_value(part.problem, structure, &children_of(structure, pairs))
    };
    // A third plan: greedy along the LP's values (its pairs by value in the LP, then every
    // other pair by its worth), which keeps most of what the LP chose and fills the rest.
    let guided = lp_guided(&part, &lp);
    let (baseline_value, rounded_value, guided_value) =
        (value_of(&baseline), value_of(&rounded), value_of(&guided));
    // The best of the three that honours the component's locks (the LP's pairs at 1 always
    // do: a locked unit has no other variable) is both the first incumbent and where branch
    // and bound starts.
    let keeps_locks = |pairs: &HashSet<(usize, usize)>| {
        part.units
            .iter()
            .all(|u| part.locks.get(u).is_none_or(|&f| pairs.contains(&(*u, f))))
    };
    let mut start = rounded;
    let mut start_value = rounded_value;
    for (plan, value) in [(baseline, baseline_value), (guided, guided_value)] {
        if value > start_value && keeps_locks(&plan) {
            (start, start_value) = (plan, value);
        }
    }
    let mut best = Incumbent {
        placed: children_of(structure, &start),
        objective: start_value,
    };
    if trace {
        eprintln!(
            "  start: {} pairs (LP rounded {rounded_value:.3}, start {baseline_value:.3}, LP-guided {guided_value:.3})",
            start.len()
        );
    }
    // The second round, with τ at the first round's gap, proves optimality (branch and bound
    // starts from the first round's plan, and its cuts close what the LP leaves open).
    for _round in 0..3 {
        // S also holds the start's pairs: any superset of the pairs near zero reduced cost
        // keeps the proof below, and the start is then a plan within S.
        let allowed: HashSet<(usize, usize)> = reduced
            .iter()
            .filter(|&(pair, d)| lp.value(*pair) > 1e-9 || *d >= -tau || start.contains(pair))
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
        if restricted.objective > best.objective {
            start = restricted
                .placed
                .iter()
                .map(|&(c, f)| (structure.unit_of[c], f))
                .collect();
            best = Incumbent {
                placed: restricted.placed,
                objective: restricted.objective,
            };
        }
        if out_of_time {
            break;
        }
        tau = gap + tolerance;
    }
    // Not proven in time: the best plan found — the best start, or one branch and bound
    // improved.
    Ok(ComponentResult {
        placed: best.placed,
        optimal: false,
        variables,
        bound: z_lp,
    })
}

/// A plan of the part built greedily along the LP: its pairs by LP value (then worth), then
/// every other pair of the part's units by worth per child; locks first.
fn lp_guided(part: &Part<'_>, lp: &LpRelaxation) -> HashSet<(usize, usize)> {
    let structure = part.structure;
    // Every pair of the part with its worth per child placed.
    let mut pairs: Vec<((usize, usize), f64, f64)> = part
        .units
        .iter()
        .flat_map(|&u| {
            let size = structure.units[u].children.len() as f64;
            structure.options[u]
                .iter()
                .map(move |&(f, value)| ((u, f), value / size))
        })
        .map(|(pair, worth)| (pair, lp.value(pair), worth))
        .collect();
    // LP value first (pairs outside the LP have 0), then worth.
    pairs.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(&b.0))
    });
    let order: Vec<(usize, usize)> = pairs.into_iter().map(|(pair, _, _)| pair).collect();
    let assignment = crate::matching::greedy::assign_in_order(part.problem, structure, &order);
    part.units
        .iter()
        .filter_map(|&u| {
            let f = assignment[structure.units[u].children[0]]?;
            Some((u, f))
        })
        .collect()
}

/// The best plan of a component so far.
struct Incumbent {
    placed: Vec<(usize, usize)>,
    objective: f64,
}

/// The (child, family) placements of (unit, family) pairs.
fn children_of(structure: &Structure, pairs: &HashSet<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut placed: Vec<(usize, usize)> = pairs
        .iter()
        .flat_map(|&(u, f)| structure.units[u].children.iter().map(move |&c| (c, f)))
        .collect();
    placed.sort_unstable();
    placed
}

/// Whether this build's solver reports duals (for pricing and reduced-cost fixing).
const SOLVER_HAS_DUALS: bool = <Active as Backend>::HAS_DUALS;

/// Families each unit starts with when the LP is solved by pricing.
pub(super) const FIRST_COLUMNS: usize = 6;
/// Pricing rounds at most (the tail of a degenerate LP can go on with pairs that change
/// nothing; what is left is then added to the bound).
const PRICING_ROUNDS: usize = 20;
/// The share of the time left that pricing the LP may take under a time limit.
const PRICING_SHARE: f64 = 0.35;
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
    // Under a time limit, pricing may take part of the time left, not all of it: branch and
    // bound needs the rest to improve on the baseline (every round's bound is valid, so
    // stopping early costs only some tightness of the bound).
    let pricing_until = part.deadline.map(|deadline| {
        let now = std::time::Instant::now();
        now + deadline
            .saturating_duration_since(now)
            .mul_f64(PRICING_SHARE)
    });
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
        let out_of_pricing_time =
            pricing_until.is_some_and(|until| std::time::Instant::now() >= until);
        if stalled >= 2 || rounds >= PRICING_ROUNDS || out_of_pricing_time {
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
        let outcome = match solve_model(&sub, true, Some(allowed), start) {
            // Out of time before this part's branch and bound began: the start's plan of its
            // units stands (S holds the start's pairs, so it conflicts with no other part).
            Err(MatchError::TimeLimit) => {
                optimal = false;
                if let Start::Plan(pairs) | Start::Proof(pairs) = start {
                    for &u in units {
                        for &(f, _) in &structure.options[u] {
                            if pairs.contains(&(u, f)) {
                                placed.extend(structure.units[u].children.iter().map(|&c| (c, f)));
                            }
                        }
                    }
                }
                continue;
            }
            other => other?,
        };
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
pub(super) fn placed_value(
    problem: &Problem,
    structure: &Structure,
    placed: &[(usize, usize)],
) -> f64 {
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
pub(super) struct RowDuals {
    pub(super) unit: HashMap<usize, f64>,
    pub(super) capacity: HashMap<usize, f64>,
    pub(super) groups: HashMap<usize, f64>,
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
pub(super) enum Start<'a> {
    Nothing,
    /// A plan (unit, family pairs) to improve on.
    Plan(&'a HashSet<(usize, usize)>),
    /// A plan believed optimal, to prove: primal heuristics off.
    Proof(&'a HashSet<(usize, usize)>),
}

/// A component and what its models are built from.
#[derive(Clone, Copy)]
pub(super) struct Part<'a> {
    pub(super) problem: &'a Problem,
    pub(super) structure: &'a Structure,
    pub(super) units: &'a [usize],
    pub(super) locks: &'a HashMap<usize, usize>,
    pub(super) deadline: Option<std::time::Instant>,
    /// Families each unit's LP starts with when solved by pricing.
    pub(super) first_columns: usize,
    /// The greedy baseline's (unit, family) pairs: the first plan to improve on.
    pub(super) baseline: &'a HashSet<(usize, usize)>,
}

impl Part<'_> {
    /// The baseline's pairs of this part's units.
    fn baseline_pairs(&self) -> HashSet<(usize, usize)> {
        self.units
            .iter()
            .flat_map(|&u| {
                self.structure.options[u]
                    .iter()
                    .map(move |&(f, _)| (u, f))
                    .filter(|pair| self.baseline.contains(pair))
            })
            .collect()
    }
}

/// What one solve of a component's model gave.
pub(super) struct ModelOutcome {
    /// (unit, family) of each assignment variable, with its value.
    pub(super) pairs: Vec<(usize, usize)>,
    pub(super) values: Vec<f64>,
    /// Reduced costs of the assignment variables, where the solver reports them.
    pub(super) reduced_costs: Option<Vec<f64>>,
    /// Duals of the rows pricing needs (HiGHS, relaxation only).
    pub(super) duals: Option<RowDuals>,
    pub(super) objective: f64,
    pub(super) integral: bool,
    pub(super) optimal: bool,
    pub(super) variables: usize,
    /// Units with a fractional value or in a split group, and families with a fractional
    /// value or used by a split group: where the LP's values may not be optimal on their own.
    pub(super) unsettled_units: HashSet<usize>,
    pub(super) unsettled_families: HashSet<usize>,
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
