//! Hints that hold. Each candidate change for an unplaced child (smallest first) is applied
//! alone to the instance and only the component holding the child is solved again — the rest
//! of the plan cannot change with it; a hint is stated only when the child is then placed.
//! Where no candidate does it, the child's best family is locked for it and the matches that
//! would give way are named, with what the plan would lose.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use super::instance::{Instance, Problem};
use super::model::{self, Structure};
use super::what_if::apply_relaxation;
use super::{MatchError, Progress, Stage};
use crate::domain::advice::{Change, Displaced, GiveWay, HintCheck, Relaxation, Unplaced};

/// An unplaced child with the changes that could place it, smallest first.
type Candidates = (Unplaced, Vec<Relaxation>);

/// The instance as solved: its records and compatibility structure, reused where a check
/// changes nothing but a lock.
#[derive(Clone, Copy)]
pub(super) struct Base<'a> {
    pub instance: &'a Instance,
    pub problem: &'a Problem,
    pub structure: &'a Structure,
}

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
    base: Base<'_>,
    placements: &HashMap<String, String>,
    unplaced: Vec<Candidates>,
    control: Control<'_>,
) -> Vec<Unplaced> {
    let total = unplaced.len();
    // The most urgent, longest-waiting children are checked first, so that a time limit
    // leaves unchecked only the hints that matter least.
    let rank: HashMap<&str, (std::cmp::Reverse<crate::domain::Urgency>, Option<&str>)> = base
        .instance
        .children
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                (std::cmp::Reverse(c.urgency), c.referral_date.as_deref()),
            )
        })
        .collect();
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by_key(|&i| rank.get(unplaced[i].0.child.as_str()).copied());
    let slots: Vec<Mutex<Option<Candidates>>> = unplaced
        .into_iter()
        .map(|entry| Mutex::new(Some(entry)))
        .collect();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    // One worker on Windows with HiGHS: checks run side by side there hung yuva.exe under Wine.
    let workers = if cfg!(all(windows, feature = "highs")) {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, total.max(1))
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let Some(slot) = slots.get(i) else { break };
                    let Some((mut entry, candidates)) =
                        slot.lock().ok().and_then(|mut taken| taken.take())
                    else {
                        continue;
                    };
                    check_child(base, placements, &mut entry, candidates, control);
                    if let Ok(mut put) = slot.lock() {
                        *put = Some((entry, Vec::new()));
                    }
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
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten().map(|(entry, _)| entry))
        .collect()
}

fn check_child(
    base: Base<'_>,
    placements: &HashMap<String, String>,
    entry: &mut Unplaced,
    candidates: Vec<Relaxation>,
    control: Control<'_>,
) {
    for candidate in candidates {
        if control.stopped() {
            return;
        }
        let tried = apply_relaxation(base.instance, &entry.child, &candidate);
        // The relaxed instance is checked and built once, for both tests below.
        let Ok((problem, structure, c)) = validated(&tried, &entry.child) else {
            continue;
        };
        // These changes give options to the child's unit alone: where the family still has
        // room for it in the plan, the plan plus the child is worth more than any plan without
        // the child, so every optimum places it — no solve needed.
        let settled = matches!(candidate.change, Change::Distance { .. } | Change::Excluded)
            && takes_without_displacing(&problem, &structure, c, placements, &candidate.family);
        if settled {
            entry.relaxation = Some(candidate);
            entry.hint_check = HintCheck::Verified;
            return;
        }
        match places(&problem, &structure, c, placements, control.deadline) {
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
    entry.give_way = give_way(base, placements, &entry.child, control.deadline)
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

/// Whether `family` can take the child's whole unit next to the plan's own placements there
/// (free places and groups per family to spare), for a positive value.
fn takes_without_displacing(
    problem: &Problem,
    structure: &Structure,
    c: usize,
    placements: &HashMap<String, String>,
    family: &str,
) -> bool {
    let unit = structure.unit_of[c];
    let Some(f) = problem.families.iter().position(|x| x.id == family) else {
        return false;
    };
    let Some(&(_, value)) = structure.options[unit].iter().find(|(g, _)| *g == f) else {
        return false;
    };
    // What the plan already puts there: children, and distinct groups (a may-be-split group
    // counts once, like a unit that stays together).
    let mut taken = 0usize;
    let mut groups: Vec<(bool, usize)> = Vec::new();
    for (o, other) in problem.children.iter().enumerate() {
        if placements.get(&other.id).map(String::as_str) != Some(family) {
            continue;
        }
        taken += 1;
        let u = structure.unit_of[o];
        let key = structure.units[u]
            .split_group
            .map_or((false, u), |g| (true, g));
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    let size = structure.units[unit].children.len();
    let room = problem.families[f].free_places() as usize;
    let max_groups = problem.settings.max_groups_per_family as usize;
    value > 0.0 && taken + size <= room && groups.len() < max_groups
}

/// Whether solving `instance` again places `child`.
fn places(
    problem: &Problem,
    structure: &Structure,
    c: usize,
    placements: &HashMap<String, String>,
    deadline: Option<Instant>,
) -> Result<bool, MatchError> {
    // The plan before the change stays feasible after it (a change only adds options): the
    // re-solve starts from it.
    let family_index: HashMap<&str, usize> = problem
        .families
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    let start: std::collections::HashSet<(usize, usize)> = problem
        .children
        .iter()
        .enumerate()
        .filter_map(|(o, other)| {
            let f = *family_index.get(placements.get(&other.id)?.as_str())?;
            Some((structure.unit_of[o], f))
        })
        .collect();
    match model::solve_component_of(problem, structure, c, deadline, &start)? {
        // Not proven in time: neither true nor false.
        Some(plan) if !plan.optimal => Err(MatchError::TimeLimit),
        Some(plan) => Ok(plan.family_of(c).is_some()),
        None => Ok(false),
    }
}

/// The child locked with the family where it would add the most: who moves, and what the plan
/// loses. `None` when no family can take the child at all.
fn give_way(
    base: Base<'_>,
    placements: &HashMap<String, String>,
    child: &str,
    deadline: Option<Instant>,
) -> Result<Option<GiveWay>, MatchError> {
    let structure = base.structure;
    let Some(c) = base.problem.children.iter().position(|x| x.id == child) else {
        return Ok(None);
    };
    let Some(&(best, _)) = structure.options[structure.unit_of[c]]
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return Ok(None);
    };
    let family = base.problem.families[best].id.clone();
    // A lock changes no rule: the structure as solved holds, with the pair locked.
    let mut problem = base.problem.clone();
    problem.locked.push((c, best));
    // No start: the plan before may not hold with the lock.
    let no_start = std::collections::HashSet::new();
    let Some(plan) = model::solve_component_of(&problem, structure, c, deadline, &no_start)? else {
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
        value_change: plan.value - model::value_of(&problem, structure, &before),
    }))
}
