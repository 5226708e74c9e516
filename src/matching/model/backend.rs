//! The LP/MIP solvers behind one small trait: what differs between microlp (pure Rust, the
//! default build) and HiGHS (the `highs` feature, the release build). The model itself is
//! written once, in `formulation`, for any backend.

use good_lp::variable::UnsolvedProblem;
use good_lp::{ResolutionError, SolverModel, Variable, WithTimeLimit};

use super::component::RowDuals;
use crate::matching::MatchError;

/// The rows of a model whose duals pricing needs, by the order they were added: (key, row).
#[derive(Debug, Default)]
pub(super) struct DualRows {
    /// Each unit to one family at most: (unit, row).
    pub unit: Vec<(usize, usize)>,
    /// Family capacity: (family, row).
    pub capacity: Vec<(usize, usize)>,
    /// Groups per family: (family, row).
    pub groups: Vec<(usize, usize)>,
}

pub(super) trait Backend {
    /// Its name in plans.
    const NAME: &'static str;
    /// Whether it reports duals (for pricing and reduced-cost fixing).
    const HAS_DUALS: bool;
    type Model: SolverModel<Error = ResolutionError> + WithTimeLimit;

    fn model(problem: UnsolvedProblem) -> Self::Model;

    /// Branch and bound to the exact optimum (no relative gap), from a known plan when there
    /// is one (`proof`: the plan is believed optimal, only the proof is wanted).
    fn exact(
        model: Self::Model,
        _start: Option<Vec<(Variable, f64)>>,
        _proof: bool,
    ) -> Result<Self::Model, MatchError> {
        Ok(model)
    }

    /// The reduced costs of the first `columns` variables and the duals of `rows`, when the
    /// backend reports them.
    fn duals(
        _solution: <Self::Model as SolverModel>::Solution,
        _columns: usize,
        _rows: &DualRows,
    ) -> Option<(Vec<f64>, RowDuals)> {
        None
    }
}

/// microlp: pure Rust, no system packages; no duals.
#[cfg_attr(feature = "highs", allow(dead_code))]
pub(super) struct Microlp;

impl Backend for Microlp {
    const NAME: &'static str = "microlp";
    const HAS_DUALS: bool = false;
    type Model = good_lp::solvers::microlp::MicroLpProblem;

    fn model(problem: UnsolvedProblem) -> Self::Model {
        problem.using(good_lp::microlp)
    }
}

/// HiGHS: duals, warm starts and a fast branch and bound.
#[cfg(feature = "highs")]
pub(super) struct Highs;

/// Branch and bound stops when no plan can be worth more than this above the best found (the
/// objective counts 1,000 per placement and 1 per km).
#[cfg(feature = "highs")]
const MIP_ABSOLUTE_GAP: f32 = 1e-4;

#[cfg(feature = "highs")]
impl Backend for Highs {
    const NAME: &'static str = "highs";
    const HAS_DUALS: bool = true;
    type Model = good_lp::solvers::highs::HighsProblem;

    fn model(problem: UnsolvedProblem) -> Self::Model {
        let mut model = problem.using(good_lp::highs);
        // One thread on Windows: HiGHS's parallel scheduler crashed yuva.exe under Wine (a page
        // fault); its branch and bound is mostly sequential anyway.
        if cfg!(windows) {
            model = model.set_option("threads", 1);
        }
        if std::env::var_os("YUVA_HIGHS_VERBOSE").is_some() {
            model.set_verbose(true);
        }
        // For studying the solver: YUVA_HIGHS_OPTIONS="name=value,…" (e.g. solver=ipm).
        if let Ok(options) = std::env::var("YUVA_HIGHS_OPTIONS") {
            for (name, value) in options.split(',').filter_map(|o| o.split_once('=')) {
                model = match (value.parse::<i32>(), value.parse::<f64>()) {
                    (Ok(n), _) => model.set_option(name, n),
                    (_, Ok(x)) => model.set_option(name, x),
                    _ => model.set_option(name, value),
                };
            }
        }
        model
    }

    fn exact(
        model: Self::Model,
        start: Option<Vec<(Variable, f64)>>,
        proof: bool,
    ) -> Result<Self::Model, MatchError> {
        use good_lp::solvers::WithInitialSolution;
        // HiGHS stops at a relative gap of 1e-4 by default: an exact plan needs none.
        let mut model = model
            .set_mip_rel_gap(0.0)
            .and_then(|m| m.set_mip_abs_gap(MIP_ABSOLUTE_GAP))
            .map_err(|e| MatchError::Solver(e.to_string()))?;
        if let Some(initial) = start {
            model = model.with_initial_solution(initial);
            // HiGHS's presolve takes longer on these models than it saves (10k × 6k proof: 72 s
            // with it, 20 s without), and it does not stop at the time limit.
            model = model.set_option("presolve", "off");
            // A plan believed optimal needs no search for better ones, only the proof.
            if proof {
                model = model.set_option("mip_heuristic_effort", 0.0);
            }
        }
        Ok(model)
    }

    fn duals(
        solution: <Self::Model as SolverModel>::Solution,
        columns: usize,
        rows: &DualRows,
    ) -> Option<(Vec<f64>, RowDuals)> {
        let inner = solution.into_inner();
        let dual_columns = inner.dual_columns();
        let row_duals = inner.dual_rows();
        let dual_of = |list: &[(usize, usize)]| -> std::collections::HashMap<usize, f64> {
            list.iter()
                .map(|&(key, row)| (key, row_duals.get(row).copied().unwrap_or(0.0)))
                .collect()
        };
        // The assignment variables were added first, in order: variable k is column k.
        Some((
            (0..columns)
                .map(|k| dual_columns.get(k).copied().unwrap_or(0.0))
                .collect(),
            RowDuals {
                unit: dual_of(&rows.unit),
                capacity: dual_of(&rows.capacity),
                groups: dual_of(&rows.groups),
            },
        ))
    }
}

/// The backend of this build.
#[cfg(feature = "highs")]
pub(super) type Active = Highs;
#[cfg(not(feature = "highs"))]
pub(super) type Active = Microlp;
