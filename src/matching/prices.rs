//! The price of each setting: how many more children a plan would place (and how many more km
//! it would ask of them) if one setting were otherwise — one more sibling group per family, a
//! longer distance limit, a weight at its default — measured by solving again, never guessed.
//! On the 10,000-child demo registry one group per family leaves thousands of free places unused
//! while children wait; this is where a panel sees that.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::instance::{Instance, Settings, Weights};
use super::{MatchError, greedy, model, rules};

/// A weight of the objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightName {
    Place,
    Km,
    Language,
    Split,
}

impl WeightName {
    pub const ALL: [WeightName; 4] = [
        WeightName::Place,
        WeightName::Km,
        WeightName::Language,
        WeightName::Split,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WeightName::Place => "place",
            WeightName::Km => "km",
            WeightName::Language => "language",
            WeightName::Split => "split",
        }
    }

    fn of(self, weights: &Weights) -> f64 {
        match self {
            WeightName::Place => weights.place,
            WeightName::Km => weights.km,
            WeightName::Language => weights.language,
            WeightName::Split => weights.split,
        }
    }

    fn set(self, weights: &mut Weights, value: f64) {
        match self {
            WeightName::Place => weights.place = value,
            WeightName::Km => weights.km = value,
            WeightName::Language => weights.language = value,
            WeightName::Split => weights.split = value,
        }
    }
}

/// One setting, otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "setting", rename_all = "snake_case")]
pub enum SettingChange {
    GroupsPerFamily {
        from: u32,
        to: u32,
    },
    DistanceLimit {
        from_km: f64,
        to_km: f64,
    },
    Weight {
        weight: WeightName,
        from: f64,
        to: f64,
    },
}

/// A distance limit worth trying when the run's is shorter (the example, and a
/// district's width and a half).
pub const LONGER_DISTANCE_KM: f64 = 120.0;

impl SettingChange {
    /// The changes worth pricing from these settings: one more group per family (up to 4), a
    /// longer distance limit, and each weight that is not at its default, back at it.
    pub fn worth_trying(settings: &Settings) -> Vec<SettingChange> {
        let mut changes = Vec::new();
        if settings.max_groups_per_family < 4 {
            changes.push(SettingChange::GroupsPerFamily {
                from: settings.max_groups_per_family,
                to: settings.max_groups_per_family + 1,
            });
        }
        let longer = if settings.max_distance_km < LONGER_DISTANCE_KM {
            LONGER_DISTANCE_KM
        } else {
            (settings.max_distance_km + 40.0).min(super::instance::MAX_DISTANCE_KM)
        };
        // At the most allowed already, there is no longer limit to try.
        if longer > settings.max_distance_km {
            changes.push(SettingChange::DistanceLimit {
                from_km: settings.max_distance_km,
                to_km: longer,
            });
        }
        let defaults = Weights::default();
        for weight in WeightName::ALL {
            let (from, to) = (weight.of(&settings.weights), weight.of(&defaults));
            if (from - to).abs() > f64::EPSILON * to.abs().max(1.0) {
                changes.push(SettingChange::Weight { weight, from, to });
            }
        }
        changes
    }

    fn apply(&self, settings: &mut Settings) {
        match *self {
            SettingChange::GroupsPerFamily { to, .. } => settings.max_groups_per_family = to,
            SettingChange::DistanceLimit { to_km, .. } => settings.max_distance_km = to_km,
            SettingChange::Weight { weight, to, .. } => weight.set(&mut settings.weights, to),
        }
    }
}

/// What a plan places, and how far.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub placed: usize,
    pub total_km: f64,
    pub objective: f64,
    /// Proven optimal within the time given; otherwise the best plan found.
    pub proven: bool,
}

/// One setting's price: the plan with it changed, beside the plan as set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SettingPrice {
    pub change: SettingChange,
    pub outcome: Outcome,
}

impl SettingPrice {
    /// Children placed more (negative: fewer) than with the settings as they are.
    pub fn more_placed(&self, current: &Outcome) -> i64 {
        self.outcome.placed as i64 - current.placed as i64
    }
}

/// The settings as they are and each change's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    pub current: Outcome,
    pub changes: Vec<SettingPrice>,
}

/// How a pricing runs.
#[derive(Clone, Copy, Default)]
pub struct PriceOptions<'a> {
    /// Each solve stops proving after this long (its best plan then counts, marked).
    pub time_limit_each: Option<Duration>,
    pub cancel: Option<&'a AtomicBool>,
    /// Told (solves done, solves in all) after each solve.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// Solves the instance as set and once per change worth trying.
pub fn price_settings(
    instance: &Instance,
    options: PriceOptions<'_>,
) -> Result<Prices, MatchError> {
    let changes = SettingChange::worth_trying(&instance.settings);
    let total = changes.len() + 1;
    let tell = |done: usize| {
        if let Some(progress) = options.progress {
            progress(done, total);
        }
    };
    tell(0);
    let current = outcome_of(instance, &options)?;
    tell(1);
    let mut prices = Vec::with_capacity(changes.len());
    for (i, change) in changes.into_iter().enumerate() {
        let mut changed = instance.clone();
        change.apply(&mut changed.settings);
        prices.push(SettingPrice {
            change,
            outcome: outcome_of(&changed, &options)?,
        });
        tell(i + 2);
    }
    Ok(Prices {
        current,
        changes: prices,
    })
}

/// The optimizer's plan of an instance, counted (no explanations or hints: only the numbers).
fn outcome_of(instance: &Instance, options: &PriceOptions<'_>) -> Result<Outcome, MatchError> {
    if options.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(MatchError::Cancelled);
    }
    let started = Instant::now();
    let problem = instance.validate()?;
    let structure = model::Structure::build(&problem);
    let baseline = greedy::assign(&problem, &structure);
    let control = model::RunControl {
        cancel: options.cancel,
        deadline: options
            .time_limit_each
            .and_then(|limit| started.checked_add(limit)),
        progress: None,
        baseline: &baseline,
    };
    let solved = model::solve(&problem, &structure, &control)?;
    let mut placed = 0;
    let mut total_km = 0.0;
    for (c, family) in solved.assignment.iter().enumerate() {
        if let Some(f) = *family {
            placed += 1;
            total_km += rules::distance(&problem.children[c], &problem.families[f]);
        }
    }
    Ok(Outcome {
        placed,
        total_km,
        objective: solved.objective(&problem, &structure),
        proven: solved.proven_optimal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_worth_trying_follow_the_settings() {
        let defaults = Settings::default();
        assert_eq!(
            SettingChange::worth_trying(&defaults),
            vec![
                SettingChange::GroupsPerFamily { from: 1, to: 2 },
                SettingChange::DistanceLimit {
                    from_km: defaults.max_distance_km,
                    to_km: LONGER_DISTANCE_KM
                },
            ]
        );
        let mut changed = defaults;
        changed.max_groups_per_family = 4;
        changed.max_distance_km = 150.0;
        changed.weights.km = 3.0;
        assert_eq!(
            SettingChange::worth_trying(&changed),
            vec![
                SettingChange::DistanceLimit {
                    from_km: 150.0,
                    to_km: 190.0
                },
                SettingChange::Weight {
                    weight: WeightName::Km,
                    from: 3.0,
                    to: 1.0
                },
            ]
        );
    }
}
