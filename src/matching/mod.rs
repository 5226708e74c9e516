//! The placement optimizer. Its contract — eligibility, the six compatibility rules, sibling
//! groups, capacity, locks and exclusions, the objective, the instance and plan files — is the
//! documentation below (`cargo doc` shows it); comments elsewhere point here.
#![doc = include_str!("contract.md")]

pub mod explain;
pub mod greedy;
mod hints;
pub mod instance;
pub mod model;
pub mod prices;
pub mod registry;
pub mod rules;
pub mod what_if;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

pub use explain::{Change, Explanation, Relaxation, Unplaced, UnplacedReason};
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    pub child: String,
    pub family: String,
    pub distance_km: f64,
    pub explanation: Explanation,
}

/// The greedy baseline, run beside the optimizer on the same instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub placed: usize,
    pub objective: f64,
    /// The sum of its placements' distances.
    #[serde(default)]
    pub total_km: f64,
    /// Its placements, so that a window or a checker can compare them with the plan's.
    #[serde(default)]
    pub placements: Vec<BaselinePlacement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselinePlacement {
    pub child: String,
    pub family: String,
    pub distance_km: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Timings {
    pub model_ms: f64,
    pub solve_ms: f64,
    pub explain_ms: f64,
    /// Checking the unplaced children's hints by solving again.
    #[serde(default)]
    pub hints_ms: f64,
    pub total_ms: f64,
}

/// A plan: the proposals, the children left unplaced, and how it was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The objective of this plan (section Objective above), computed from its placements.
    pub objective: f64,
    pub placements: Vec<Placement>,
    pub unplaced: Vec<Unplaced>,
    pub baseline: Baseline,
    /// "microlp", "highs" or "greedy".
    pub solver: String,
    pub proven_optimal: bool,
    /// No plan is worth more than this (the LP relaxation's optimum); equal to `objective`, up to
    /// rounding, when the plan is proven optimal. Absent for the greedy baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_bound: Option<f64>,
    pub variables: usize,
    pub components: usize,
    pub timings_ms: Timings,
}

/// How a solve may run.
#[derive(Clone, Copy, Default)]
pub struct SolveOptions<'a> {
    /// Set from another thread to stop the run (between components).
    pub cancel: Option<&'a AtomicBool>,
    /// After this long, components not yet proven give the best plan found, and the plan says
    /// `proven_optimal: false` (with its `upper_bound`).
    pub time_limit: Option<std::time::Duration>,
    /// Told what the run is doing, and after each component the best plan so far.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    /// How long checking the unplaced children's hints may take (within the time limit);
    /// hints not checked by then are not stated (`hint_check: not_checked`).
    pub hint_time: Option<std::time::Duration>,
}

/// What a run is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Checking the instance and building the model.
    Model,
    /// Solving the regional components.
    Solving,
    /// Explaining every proposal and every child left unplaced.
    Explaining,
    /// Checking each unplaced child's hint by solving its component again
    /// (`components_done` of `components` children checked).
    Hints,
}

/// A run's progress: its stage, and once solving, how many components are done, the value of
/// the best plan so far (the greedy baseline's where a component is not solved yet) and the
/// value no plan can exceed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub stage: Stage,
    pub components_done: usize,
    pub components: usize,
    pub best: Option<f64>,
    pub bound: Option<f64>,
}

impl Progress {
    fn stage(stage: Stage) -> Progress {
        Progress {
            stage,
            components_done: 0,
            components: 0,
            best: None,
            bound: None,
        }
    }

    /// How far the best plan so far may be from the best possible, as a share of the bound.
    pub fn gap(&self) -> Option<f64> {
        gap(self.best?, self.bound?)
    }
}

impl Plan {
    /// How far the plan may be from the best possible, as a share of its bound (0 when proven
    /// optimal; `None` when no bound is known).
    pub fn gap(&self) -> Option<f64> {
        if self.proven_optimal {
            return Some(0.0);
        }
        gap(self.objective, self.upper_bound?)
    }
}

/// How far `best` may be from `bound` (no plan is worth more), as a share of the bound.
fn gap(best: f64, bound: f64) -> Option<f64> {
    (bound.abs() > f64::EPSILON).then(|| ((bound - best) / bound.abs()).max(0.0))
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

/// The plan of an assignment, with its unplaced children's candidate hints (not yet checked).
fn build_plan(
    problem: &Problem,
    structure: &model::Structure,
    found: Found<'_>,
    baseline_assignment: &[Option<usize>],
    mut timings: Timings,
) -> (Plan, Vec<Vec<Relaxation>>) {
    let Found {
        assignment,
        solver,
        proven_optimal,
        upper_bound,
        variables,
        components,
    } = found;
    let started = Instant::now();
    let baseline_placements: Vec<BaselinePlacement> = baseline_assignment
        .iter()
        .enumerate()
        .filter_map(|(c, f)| {
            f.map(|f| BaselinePlacement {
                child: problem.children[c].id.clone(),
                family: problem.families[f].id.clone(),
                distance_km: rules::distance(&problem.children[c], &problem.families[f]),
            })
        })
        .collect();
    let baseline = Baseline {
        placed: baseline_placements.len(),
        objective: model::objective(problem, baseline_assignment, structure),
        total_km: baseline_placements.iter().map(|p| p.distance_km).sum(),
        placements: baseline_placements,
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
    let (unplaced, candidates): (Vec<Unplaced>, Vec<Vec<Relaxation>>) =
        explain::explain_unplaced(problem, structure, assignment)
            .into_iter()
            .unzip();
    timings.explain_ms = ms(started);
    let plan = Plan {
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
    };
    (plan, candidates)
}

/// Solves an instance to proven optimality. `cancel`, when set from another thread, stops the
/// run between components.
pub fn solve(instance: &Instance, cancel: Option<&AtomicBool>) -> Result<Plan, MatchError> {
    solve_with(
        instance,
        SolveOptions {
            cancel,
            ..SolveOptions::default()
        },
    )
}

/// [`solve`] with a time limit (see [`SolveOptions`]).
pub fn solve_with(instance: &Instance, options: SolveOptions<'_>) -> Result<Plan, MatchError> {
    let started = Instant::now();
    let report = |progress: Progress| {
        if let Some(report) = options.progress {
            report(progress);
        }
    };
    report(Progress::stage(Stage::Model));
    // A limit too large for a deadline is no limit.
    let deadline = options
        .time_limit
        .and_then(|limit| started.checked_add(limit));
    let problem = instance.validate()?;
    let structure = model::Structure::build(&problem);
    let baseline = greedy::assign(&problem, &structure);
    let model_ms = ms(started);
    let solving = Instant::now();
    report(Progress {
        stage: Stage::Solving,
        best: Some(model::objective(&problem, &baseline, &structure)),
        ..Progress::stage(Stage::Solving)
    });
    let control = model::RunControl {
        cancel: options.cancel,
        deadline,
        progress: options.progress,
        baseline: &baseline,
    };
    let solved = model::solve(&problem, &structure, &control)?;
    report(Progress {
        best: Some(solved.objective(&problem, &structure)),
        bound: Some(solved.upper_bound),
        components_done: solved.components,
        components: solved.components,
        ..Progress::stage(Stage::Explaining)
    });
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
    let (mut plan, candidates) = build_plan(&problem, &structure, found, &baseline, timings);
    // Only hints that hold reach the plan: each is checked by solving again.
    let checking = Instant::now();
    let hint_deadline = match options.hint_time.and_then(|t| checking.checked_add(t)) {
        Some(budget) => Some(deadline.map_or(budget, |d| d.min(budget))),
        None => deadline,
    };
    let placements: std::collections::HashMap<String, String> = plan
        .placements
        .iter()
        .map(|p| (p.child.clone(), p.family.clone()))
        .collect();
    let unplaced = std::mem::take(&mut plan.unplaced);
    plan.unplaced = hints::check_all(
        hints::Base {
            instance,
            problem: &problem,
            structure: &structure,
        },
        &placements,
        unplaced.into_iter().zip(candidates).collect(),
        hints::Control {
            cancel: options.cancel,
            deadline: hint_deadline,
            progress: options.progress,
        },
    );
    if options
        .cancel
        .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    {
        return Err(MatchError::Cancelled);
    }
    plan.timings_ms.hints_ms = ms(checking);
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
    // The baseline states no hints: they are checked against the optimizer's plans.
    let (mut plan, _) = build_plan(&problem, &structure, found, &assignment, timings);
    plan.timings_ms.total_ms = ms(started);
    Ok(plan)
}
