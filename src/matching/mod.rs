//! The placement optimizer (DESIGN §5): eligibility, the six compatibility rules, sibling
//! groups, capacity, locks and exclusions, solved exactly on good_lp, with an explanation for
//! every proposal and every child left unplaced, and the greedy baseline beside it.
//!
//! The window, the command line and the tests all call [`solve`] and [`solve_greedy`].

pub mod explain;
pub mod greedy;
pub mod instance;
pub mod model;
pub mod registry;
pub mod rules;
pub mod what_if;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::Serialize;

pub use explain::{Explanation, Relaxation, Unplaced, UnplacedReason};
pub use instance::{InputError, Instance, Problem, Settings, Weights, parse_instance};
pub use model::SOLVER;
pub use rules::Rule;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    /// The instance is malformed.
    #[error("{0}")]
    Input(InputError),
    /// A locked pair breaks a rule.
    #[error("{0}")]
    Lock(InputError),
    #[error("no plan satisfies the locks: {0}")]
    Infeasible(String),
    #[error("solver failure: {0}")]
    Solver(String),
    #[error("cancelled")]
    Cancelled,
    /// The time limit passed before a component had any plan (internal: a plan found earlier
    /// stands, marked not proven).
    #[error("the time limit passed")]
    TimeLimit,
}

impl MatchError {
    /// Bad input (exit status 2 on the command line), as opposed to a failure of the run.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            MatchError::Input(_) | MatchError::Lock(_) | MatchError::Infeasible(_)
        )
    }
}

impl From<InputError> for MatchError {
    fn from(error: InputError) -> Self {
        MatchError::Input(error)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub child: String,
    pub family: String,
    pub distance_km: f64,
    pub explanation: Explanation,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Baseline {
    pub placed: usize,
    pub objective: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Timings {
    pub model_ms: f64,
    pub solve_ms: f64,
    pub explain_ms: f64,
    pub total_ms: f64,
}

/// A plan: the proposals, the children left unplaced, and how it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The DESIGN §5 objective of this plan, computed from its placements.
    pub objective: f64,
    pub placements: Vec<Placement>,
    pub unplaced: Vec<Unplaced>,
    pub baseline: Baseline,
    /// "microlp", "highs" or "greedy".
    pub solver: String,
    pub proven_optimal: bool,
    /// No plan is worth more than this (the LP relaxation's optimum); equal to `objective`, up to
    /// rounding, when the plan is proven optimal. Absent for the greedy baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_bound: Option<f64>,
    pub variables: usize,
    pub components: usize,
    pub timings_ms: Timings,
}

/// How a solve may run.
#[derive(Debug, Clone, Copy, Default)]
pub struct SolveOptions<'a> {
    /// Set from another thread to stop the run (between components).
    pub cancel: Option<&'a AtomicBool>,
    /// After this long, components not yet proven give the best plan found, and the plan says
    /// `proven_optimal: false` (with its `upper_bound`).
    pub time_limit: Option<std::time::Duration>,
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

/// How a plan's assignment was found.
struct Found<'a> {
    assignment: &'a [Option<usize>],
    solver: &'a str,
    proven_optimal: bool,
    upper_bound: Option<f64>,
    variables: usize,
    components: usize,
}

fn build_plan(
    problem: &Problem,
    structure: &model::Structure,
    found: Found<'_>,
    mut timings: Timings,
) -> Plan {
    let Found {
        assignment,
        solver,
        proven_optimal,
        upper_bound,
        variables,
        components,
    } = found;
    let started = Instant::now();
    let baseline_assignment = greedy::assign(problem, structure);
    let baseline = Baseline {
        placed: baseline_assignment.iter().flatten().count(),
        objective: model::objective(problem, &baseline_assignment, structure),
    };
    let placements = explain::explain_all(problem, structure, assignment)
        .into_iter()
        .map(|(c, f, explanation)| Placement {
            child: problem.children[c].id.clone(),
            family: problem.families[f].id.clone(),
            distance_km: explanation.distance_km,
            explanation,
        })
        .collect();
    let unplaced = explain::explain_unplaced(problem, structure, assignment);
    timings.explain_ms = ms(started);
    Plan {
        objective: model::objective(problem, assignment, structure),
        placements,
        unplaced,
        baseline,
        solver: solver.to_owned(),
        proven_optimal,
        upper_bound,
        variables,
        components,
        timings_ms: timings,
    }
}

/// Solves an instance to proven optimality. `cancel`, when set from another thread, stops the
/// run between components.
pub fn solve(instance: &Instance, cancel: Option<&AtomicBool>) -> Result<Plan, MatchError> {
    solve_with(
        instance,
        SolveOptions {
            cancel,
            time_limit: None,
        },
    )
}

/// [`solve`] with a time limit (see [`SolveOptions`]).
pub fn solve_with(instance: &Instance, options: SolveOptions<'_>) -> Result<Plan, MatchError> {
    let started = Instant::now();
    let deadline = options.time_limit.map(|limit| started + limit);
    let problem = instance.validate()?;
    let structure = model::Structure::build(&problem);
    let model_ms = ms(started);
    let solving = Instant::now();
    let solved = model::solve(&problem, &structure, options.cancel, deadline)?;
    let timings = Timings {
        model_ms,
        solve_ms: ms(solving),
        ..Timings::default()
    };
    let found = Found {
        assignment: &solved.assignment,
        solver: SOLVER,
        proven_optimal: solved.proven_optimal,
        upper_bound: Some(solved.upper_bound),
        variables: solved.variables,
        components: solved.components,
    };
    let mut plan = build_plan(&problem, &structure, found, timings);
    plan.timings_ms.total_ms = ms(started);
    Ok(plan)
}

/// Runs the greedy baseline and writes its plan in the same form.
pub fn solve_greedy(instance: &Instance) -> Result<Plan, MatchError> {
    let started = Instant::now();
    let problem = instance.validate()?;
    let structure = model::Structure::build(&problem);
    model::check_locks(&problem, &structure)?;
    let model_ms = ms(started);
    let solving = Instant::now();
    let assignment = greedy::assign(&problem, &structure);
    let timings = Timings {
        model_ms,
        solve_ms: ms(solving),
        ..Timings::default()
    };
    let found = Found {
        assignment: &assignment,
        solver: "greedy",
        proven_optimal: false,
        upper_bound: None,
        variables: 0,
        components: 0,
    };
    let mut plan = build_plan(&problem, &structure, found, timings);
    plan.timings_ms.total_ms = ms(started);
    Ok(plan)
}
