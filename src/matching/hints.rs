//! Hints that hold. Each candidate change for an unplaced child (smallest first) is applied
//! alone to the instance and only the component holding the child is solved again — the rest
//! of the plan cannot change with it; a hint is stated only when the child is then placed.
//! Where no candidate does it, the child's best family is locked for it and the matches that
//! would give way are named, with what the plan would lose.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use super::instance::{Instance, PairInput, Problem};
use super::model::{self, Structure};
use super::what_if::apply_relaxation;
use super::{MatchError, Progress, Stage};
use crate::domain::advice::{Displaced, GiveWay, HintCheck, Relaxation, Unplaced};

/// How the check may run.
#[derive(Clone, Copy)]
pub(super) struct Control<'a> {
    pub cancel: Option<&'a AtomicBool>,
    pub deadline: Option<Instant>,
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

impl Control<'_> {
    fn stopped(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Keeps, for each unplaced child, the first candidate change that places it when applied
/// alone (`hint_check: verified`); where none does, says so and names what would give way.
/// Children not reached before the deadline keep no hint (`not_checked`).
pub(super) fn check_all(
    instance: &Instance,
    placements: &HashMap<String, String>,
    unplaced: Vec<(Unplaced, Vec<Relaxation>)>,
    control: Control<'_>,
) -> Vec<Unplaced> {
    let total = unplaced.len();
    let done = AtomicUsize::new(0);
    let check_one = |(mut entry, candidates): (Unplaced, Vec<Relaxation>)| -> Unplaced {
        check_child(instance, placements, &mut entry, candidates, control);
        let checked = done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(progress) = control.progress {
            progress(Progress {
                stage: Stage::Hints,
                components_done: checked,
                components: total,
                best: None,
                bound: None,
            });
        }
        entry
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, total.max(1));
    let chunk = total.div_ceil(workers).max(1);
    let mut chunks: Vec<Vec<(Unplaced, Vec<Relaxation>)>> = Vec::new();
    let mut rest = unplaced.into_iter();
    loop {
        let next: Vec<_> = rest.by_ref().take(chunk).collect();
        if next.is_empty() {
            break;
        }
        chunks.push(next);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|entries| {
                let check_one = &check_one;
                scope.spawn(move || entries.into_iter().map(check_one).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(checked) => checked,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn check_child(
    instance: &Instance,
    placements: &HashMap<String, String>,
    entry: &mut Unplaced,
    candidates: Vec<Relaxation>,
    control: Control<'_>,
) {
    for candidate in candidates {
        if control.stopped() {
            return;
        }
        let tried = apply_relaxation(instance, &entry.child, &candidate);
        match places(&tried, &entry.child, control.deadline) {
            Ok(true) => {
                entry.relaxation = Some(candidate);
                entry.hint_check = HintCheck::Verified;
                return;
            }
            Ok(false) => {}
            // Out of time: the hint stays unchecked, and unstated.
            Err(MatchError::TimeLimit | MatchError::Cancelled) => return,
            // The change breaks a lock or the like: not a hint.
            Err(_) => {}
        }
    }
    if control.stopped() {
        return;
    }
    entry.hint_check = HintCheck::NoSingleChange;
    entry.give_way = give_way(instance, placements, &entry.child, control.deadline)
        .ok()
        .flatten();
}

fn validated(instance: &Instance, child: &str) -> Result<(Problem, Structure, usize), MatchError> {
    let problem = instance.validate()?;
    let c = problem
        .children
        .iter()
        .position(|x| x.id == child)
        .ok_or_else(|| MatchError::Solver(format!("{child} is not in the instance")))?;
    let structure = Structure::build(&problem);
    Ok((problem, structure, c))
}

/// Whether solving `instance` again places `child`.
fn places(instance: &Instance, child: &str, deadline: Option<Instant>) -> Result<bool, MatchError> {
    let (problem, structure, c) = validated(instance, child)?;
    Ok(
        model::solve_component_of(&problem, &structure, c, deadline)?
            .is_some_and(|plan| plan.family_of(c).is_some()),
    )
}

/// The child locked with the family where it would add the most: who moves, and what the plan
/// loses. `None` when no family can take the child at all.
fn give_way(
    instance: &Instance,
    placements: &HashMap<String, String>,
    child: &str,
    deadline: Option<Instant>,
) -> Result<Option<GiveWay>, MatchError> {
    let (problem, structure, c) = validated(instance, child)?;
    let Some(&(best, _)) = structure.options[structure.unit_of[c]]
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return Ok(None);
    };
    let family = problem.families[best].id.clone();
    let mut locked = instance.clone();
    locked.locked.push(PairInput {
        child: child.to_owned(),
        family: family.clone(),
    });
    let (problem, structure, c) = validated(&locked, child)?;
    let Some(plan) = model::solve_component_of(&problem, &structure, c, deadline)? else {
        return Ok(None);
    };
    let family_index: HashMap<&str, usize> = problem
        .families
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    let children = plan
        .units
        .iter()
        .flat_map(|&u| structure.units[u].children.iter().copied());
    let mut before: Vec<(usize, usize)> = Vec::new();
    let mut displaced = Vec::new();
    for o in children {
        let id = &problem.children[o].id;
        let Some(was) = placements.get(id) else {
            continue;
        };
        if let Some(&f) = family_index.get(was.as_str()) {
            before.push((o, f));
        }
        let now = plan.family_of(o).map(|f| problem.families[f].id.clone());
        if now.as_deref() != Some(was.as_str()) {
            displaced.push(Displaced {
                child: id.clone(),
                was: was.clone(),
                now,
            });
        }
    }
    Ok(Some(GiveWay {
        family,
        displaced,
        value_change: plan.value - model::value_of(&problem, &structure, &before),
    }))
}
