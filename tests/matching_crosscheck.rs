//! The optimizer against an independent brute force on hundreds of random small instances:
//! the same optimal objective, every plan within every rule, locks honoured, exclusions never
//! used, the same plan for the same instance.
//!
//! The brute force re-implements the rules of the matching contract (`yuva::matching` docs) from scratch (it shares no code with the
//! model) and tries every assignment of children to families.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use yuva::domain::{CareType, FamilyStatus, Language, Need, Sex, SexPreference, Urgency};
use yuva::matching::instance::{ChildInput, FamilyInput, Instance, PairInput, Settings, Weights};
use yuva::matching::what_if::apply_relaxation;
use yuva::matching::{MatchError, Plan, solve, solve_greedy};

const DATE: &str = "2026-01-15";

fn planning_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).expect("date")
}

fn random_instance(seed: u64) -> Instance {
    let mut rng = fastrand::Rng::with_seed(seed);
    let families = rng.usize(1..=5);
    let children = rng.usize(1..=8);
    let pick_some = |rng: &mut fastrand::Rng, all: &[CareType], at_least: usize| -> Vec<CareType> {
        let mut v: Vec<CareType> = all.iter().copied().filter(|_| rng.bool()).collect();
        while v.len() < at_least {
            v.push(all[rng.usize(..all.len())]);
        }
        v.sort();
        v.dedup();
        v
    };
    let family_list: Vec<FamilyInput> = (0..families)
        .map(|i| {
            let places = rng.u32(1..=3);
            let age_min = rng.u32(0..=8);
            FamilyInput {
                id: format!("F-{i}"),
                status: if rng.f64() < 0.85 {
                    FamilyStatus::Approved
                } else {
                    FamilyStatus::Suspended
                },
                review_due: Some(
                    if rng.f64() < 0.9 {
                        "2026-06-01"
                    } else {
                        "2026-01-14"
                    }
                    .to_owned(),
                ),
                places,
                occupied: if rng.f64() < 0.2 {
                    rng.u32(0..=places)
                } else {
                    0
                },
                age_min,
                age_max: age_min + rng.u32(2..=12),
                sex: [
                    SexPreference::Any,
                    SexPreference::Any,
                    SexPreference::Female,
                    SexPreference::Male,
                ][rng.usize(..4)],
                care_types: pick_some(&mut rng, CareType::ALL, 1),
                needs: Need::ALL
                    .iter()
                    .copied()
                    .filter(|_| rng.f64() < 0.3)
                    .collect(),
                languages: if rng.bool() {
                    vec![Language::Azerbaijani]
                } else {
                    vec![Language::Russian]
                },
                lat: 40.0 + rng.f64() * 1.2,
                lon: 48.0 + rng.f64() * 1.2,
            }
        })
        .collect();
    let mut child_list: Vec<ChildInput> = Vec::new();
    let mut group_no = 0;
    while child_list.len() < children {
        let size = if rng.f64() < 0.35 {
            rng.usize(2..=3).min(children - child_list.len())
        } else {
            1
        };
        let group = (size > 1).then(|| {
            group_no += 1;
            format!("G-{group_no}")
        });
        let may_split = size > 1 && rng.bool();
        let (lat, lon) = (40.0 + rng.f64() * 1.2, 48.0 + rng.f64() * 1.2);
        for _ in 0..size {
            let i = child_list.len();
            child_list.push(ChildInput {
                id: format!("C-{i}"),
                birth_date: format!(
                    "{}-{:02}-{:02}",
                    2010 + rng.i32(0..=15),
                    rng.u32(1..=12),
                    rng.u32(1..=28)
                ),
                sex: if rng.bool() { Sex::Female } else { Sex::Male },
                group: group.clone(),
                may_split,
                urgency: [Urgency::Routine, Urgency::Priority, Urgency::Emergency][rng.usize(..3)],
                care_type: CareType::ALL[rng.usize(..4)],
                needs: Need::ALL
                    .iter()
                    .copied()
                    .filter(|_| rng.f64() < 0.1)
                    .collect(),
                languages: if rng.f64() < 0.7 {
                    vec![Language::Azerbaijani]
                } else {
                    vec![Language::Russian]
                },
                lat,
                lon,
                max_distance_km: if rng.f64() < 0.2 {
                    Some(40.0 + rng.f64() * 80.0)
                } else {
                    None
                },
                referral_date: Some(format!("2025-{:02}-01", rng.u32(1..=12))),
            });
        }
    }
    let mut excluded = Vec::new();
    if rng.f64() < 0.3 {
        excluded.push(PairInput {
            child: format!("C-{}", rng.usize(..children)),
            family: format!("F-{}", rng.usize(..families)),
        });
    }
    let settings = Settings {
        max_distance_km: [60.0, 100.0, 150.0][rng.usize(..3)],
        max_groups_per_family: rng.u32(1..=2),
        weights: if rng.bool() {
            Weights::default()
        } else {
            Weights {
                place: 1000.0,
                km: rng.f64() * 5.0,
                language: rng.f64() * 200.0,
                split: rng.f64() * 1500.0,
            }
        },
    };
    let mut inst = Instance {
        planning_date: DATE.to_owned(),
        settings,
        families: family_list,
        children: child_list,
        locked: Vec::new(),
        excluded,
    };
    // Mostly locks a panel could make (a compatible pair), sometimes one that breaks a rule.
    let roll = rng.f64();
    if roll < 0.3 {
        let pairs: Vec<PairInput> = inst
            .children
            .iter()
            .flat_map(|c| {
                inst.families
                    .iter()
                    .filter(|f| compatible(&inst, c, f))
                    .map(|f| PairInput {
                        child: c.id.clone(),
                        family: f.id.clone(),
                    })
            })
            .collect();
        if !pairs.is_empty() {
            inst.locked.push(pairs[rng.usize(..pairs.len())].clone());
        }
    } else if roll < 0.4 {
        let pair = PairInput {
            child: format!("C-{}", rng.usize(..children)),
            family: format!("F-{}", rng.usize(..families)),
        };
        if !inst.excluded.contains(&pair) {
            inst.locked.push(pair);
        }
    }
    inst
}

// --- The rules, written again from the matching contract for the brute force -----------------

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((b.1 - a.1).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

fn age(birth: &str) -> u32 {
    let b = NaiveDate::parse_from_str(birth, "%Y-%m-%d").expect("birth date");
    let t = planning_date();
    let mut years = t.year() - b.year();
    if (t.month(), t.day()) < (b.month(), b.day()) {
        years -= 1;
    }
    years as u32
}

fn eligible(f: &FamilyInput) -> bool {
    f.status == FamilyStatus::Approved
        && f.review_due.as_deref().is_some_and(|d| d >= DATE)
        && f.places > f.occupied
}

fn compatible(inst: &Instance, c: &ChildInput, f: &FamilyInput) -> bool {
    let a = age(&c.birth_date);
    let sex_ok = match f.sex {
        SexPreference::Any => true,
        SexPreference::Female => c.sex == Sex::Female,
        SexPreference::Male => c.sex == Sex::Male,
    };
    let limit = c.max_distance_km.unwrap_or(inst.settings.max_distance_km);
    eligible(f)
        && f.age_min <= a
        && a <= f.age_max
        && f.care_types.contains(&c.care_type)
        && c.needs.iter().all(|n| f.needs.contains(n))
        && sex_ok
        && km((c.lat, c.lon), (f.lat, f.lon)) <= limit
        && !inst
            .excluded
            .iter()
            .any(|p| p.child == c.id && p.family == f.id)
}

fn value(inst: &Instance, c: &ChildInput, f: &FamilyInput) -> f64 {
    let w = inst.settings.weights;
    let p = match c.urgency {
        Urgency::Routine => 1.0,
        Urgency::Priority => 2.0,
        Urgency::Emergency => 3.0,
    };
    let mismatch = if c.languages.iter().any(|l| f.languages.contains(l)) {
        0.0
    } else {
        1.0
    };
    w.place * p - w.km * km((c.lat, c.lon), (f.lat, f.lon)) - w.language * mismatch
}

fn must_stay_together(inst: &Instance, group: &str) -> bool {
    inst.children
        .iter()
        .filter(|c| c.group.as_deref() == Some(group))
        .any(|c| !c.may_split)
        || inst
            .children
            .iter()
            .filter(|c| c.group.as_deref() == Some(group))
            .count()
            == 1
}

/// Whether an assignment (child index → family index) satisfies every rule; its objective.
fn evaluate(inst: &Instance, assign: &[Option<usize>]) -> Option<f64> {
    let mut total = 0.0;
    let mut count = vec![0u32; inst.families.len()];
    let mut groups: Vec<HashSet<String>> = vec![HashSet::new(); inst.families.len()];
    for (ci, a) in assign.iter().enumerate() {
        let c = &inst.children[ci];
        if let Some(fi) = *a {
            let f = &inst.families[fi];
            if !compatible(inst, c, f) {
                return None;
            }
            count[fi] += 1;
            groups[fi].insert(
                c.group
                    .clone()
                    .unwrap_or_else(|| format!("single:{}", c.id)),
            );
            total += value(inst, c, f);
        }
    }
    for (fi, f) in inst.families.iter().enumerate() {
        if count[fi] > f.places - f.occupied
            || groups[fi].len() > inst.settings.max_groups_per_family as usize
        {
            return None;
        }
    }
    let mut by_group: HashMap<&str, Vec<Option<usize>>> = HashMap::new();
    for (ci, c) in inst.children.iter().enumerate() {
        if let Some(g) = &c.group {
            by_group.entry(g.as_str()).or_default().push(assign[ci]);
        }
    }
    for (g, members) in by_group {
        if must_stay_together(inst, g) {
            if members.iter().any(|m| *m != members[0]) {
                return None;
            }
        } else {
            let mut used: Vec<usize> = members.iter().flatten().copied().collect();
            used.sort_unstable();
            used.dedup();
            if !used.is_empty() {
                total -= inst.settings.weights.split * (used.len() - 1) as f64;
            }
        }
    }
    for lock in &inst.locked {
        let ci = inst.children.iter().position(|c| c.id == lock.child)?;
        let fi = inst.families.iter().position(|f| f.id == lock.family)?;
        if assign[ci] != Some(fi) {
            return None;
        }
    }
    Some(total)
}

fn brute_force(inst: &Instance) -> Option<f64> {
    brute_force_where(inst, |_| true)
}

/// The best plan among those that `keep` accepts.
fn brute_force_where(inst: &Instance, keep: impl Fn(&[Option<usize>]) -> bool) -> Option<f64> {
    fn go(
        inst: &Instance,
        keep: &dyn Fn(&[Option<usize>]) -> bool,
        i: usize,
        assign: &mut Vec<Option<usize>>,
        best: &mut Option<f64>,
    ) {
        if i == inst.children.len() {
            if keep(assign)
                && let Some(v) = evaluate(inst, assign)
                && best.is_none_or(|b| v > b)
            {
                *best = Some(v);
            }
            return;
        }
        let options: Vec<Option<usize>> = std::iter::once(None)
            .chain(
                (0..inst.families.len())
                    .filter(|&f| compatible(inst, &inst.children[i], &inst.families[f]))
                    .map(Some),
            )
            .collect();
        for option in options {
            assign.push(option);
            go(inst, keep, i + 1, assign, best);
            assign.pop();
        }
    }
    let mut best = None;
    go(inst, &keep, 0, &mut Vec::new(), &mut best);
    best
}

fn assignment_of(inst: &Instance, plan: &Plan) -> Vec<Option<usize>> {
    inst.children
        .iter()
        .map(|c| {
            plan.placements
                .iter()
                .find(|p| p.child == c.id)
                .and_then(|p| inst.families.iter().position(|f| f.id == p.family))
        })
        .collect()
}

fn strip_timings(plan: &Plan) -> String {
    let mut plan = plan.clone();
    plan.timings_ms = Default::default();
    serde_json::to_string(&plan).expect("serialises")
}

#[test]
fn optimizer_matches_brute_force_on_random_instances() {
    let mut solved = 0;
    let mut with_locks = 0;
    let mut refused = 0;
    for seed in 0..400 {
        let inst = random_instance(seed);
        let best = brute_force(&inst);
        match solve(&inst, None) {
            Ok(plan) => {
                let best = best.unwrap_or_else(|| {
                    panic!("seed {seed}: optimizer found a plan, brute force none")
                });
                assert!(plan.proven_optimal, "seed {seed}");
                let bound = plan.upper_bound.unwrap_or(f64::NAN);
                assert!(
                    bound >= plan.objective - 1e-6 * bound.abs().max(1.0),
                    "seed {seed}: bound {bound} below {}",
                    plan.objective
                );
                assert!(
                    (plan.objective - best).abs() < 1e-6 * best.abs().max(1.0),
                    "seed {seed}: optimizer {} vs brute force {best}",
                    plan.objective
                );
                // The plan keeps every rule (and so honours locks and never uses an exclusion).
                let assign = assignment_of(&inst, &plan);
                let value = evaluate(&inst, &assign)
                    .unwrap_or_else(|| panic!("seed {seed}: the plan breaks a rule"));
                assert!(
                    (value - plan.objective).abs() < 1e-6 * value.abs().max(1.0),
                    "seed {seed}: objective recomputed"
                );
                for pair in &inst.excluded {
                    assert!(
                        !plan
                            .placements
                            .iter()
                            .any(|p| p.child == pair.child && p.family == pair.family),
                        "seed {seed}: excluded pair used"
                    );
                }
                for pair in &inst.locked {
                    assert!(
                        plan.placements
                            .iter()
                            .any(|p| p.child == pair.child && p.family == pair.family),
                        "seed {seed}: lock not honoured"
                    );
                }
                // The greedy baseline is never better than the optimum.
                assert!(
                    plan.baseline.objective <= plan.objective + 1e-6,
                    "seed {seed}: greedy beats the optimum"
                );
                // Same instance, same plan.
                let again = solve(&inst, None).expect("solves again");
                assert_eq!(
                    strip_timings(&plan),
                    strip_timings(&again),
                    "seed {seed}: not deterministic"
                );
                solved += 1;
                with_locks += usize::from(!inst.locked.is_empty());
            }
            Err(MatchError::Lock(_)) | Err(MatchError::Infeasible(_)) => {
                assert!(
                    best.is_none(),
                    "seed {seed}: the optimizer refused the locks but brute force found {best:?}"
                );
                refused += 1;
            }
            Err(other) => panic!("seed {seed}: {other}"),
        }
    }
    assert!(solved > 300, "{solved} solved");
    assert!(with_locks > 20, "{with_locks} solved with locks");
    assert!(refused > 5, "{refused} refused locks");
}

/// Every hint a plan states is true as stated: with that one change applied, some optimal plan
/// places the child (checked by the brute force, which shares no code with the hint check).
/// Where the plan says no single change does it, locking the child with the named family costs
/// exactly the value it says.
#[test]
fn every_stated_hint_places_its_child_on_random_instances() {
    let (mut verified, mut give_way) = (0, 0);
    for seed in 0..400 {
        let inst = random_instance(seed);
        let Ok(plan) = solve(&inst, None) else {
            continue;
        };
        for unplaced in &plan.unplaced {
            let child = inst
                .children
                .iter()
                .position(|c| c.id == unplaced.child)
                .expect("child in the instance");
            if let Some(hint) = &unplaced.relaxation {
                let tried = apply_relaxation(&inst, &unplaced.child, hint);
                let best = brute_force(&tried).expect("the relaxed instance has a plan");
                let placing = brute_force_where(&tried, |a| a[child].is_some());
                assert!(
                    placing.is_some_and(|v| v >= best - 1e-6 * best.abs().max(1.0)),
                    "seed {seed}: {}: {:?} does not place the child (best {best}, placing {placing:?})",
                    unplaced.child,
                    hint.change
                );
                verified += 1;
            }
            if let Some(way) = &unplaced.give_way {
                let mut locked = inst.clone();
                locked.locked.push(PairInput {
                    child: unplaced.child.clone(),
                    family: way.family.clone(),
                });
                let best = brute_force(&locked).expect("the lock can be honoured");
                let expected = plan.objective + way.value_change;
                assert!(
                    (best - expected).abs() < 1e-6 * best.abs().max(1.0),
                    "seed {seed}: {} with {}: worth {best}, the plan says {expected}",
                    unplaced.child,
                    way.family
                );
                give_way += 1;
            }
        }
    }
    assert!(verified > 50, "{verified} hints checked");
    assert!(give_way > 5, "{give_way} give-way statements checked");
}

#[test]
fn greedy_plans_keep_every_rule() {
    for seed in 1000..1200 {
        let inst = random_instance(seed);
        if let Ok(plan) = solve_greedy(&inst) {
            let assign = assignment_of(&inst, &plan);
            let value = evaluate(&inst, &assign)
                .unwrap_or_else(|| panic!("seed {seed}: greedy breaks a rule"));
            assert!((value - plan.objective).abs() < 1e-6 * value.abs().max(1.0));
            assert_eq!(plan.solver, "greedy");
        }
    }
}

/// A plan out of time at once is the optimizer's start — the better of the greedy baseline and
/// a greedy plan by value, lifted by local search: it keeps every rule (checked by the
/// independent evaluation), honours the locks and is never worse than the baseline.
#[test]
fn start_plans_out_of_time_keep_every_rule() {
    let mut checked = 0;
    for seed in 0..400 {
        let inst = random_instance(seed);
        let options = yuva::matching::SolveOptions {
            time_limit: Some(std::time::Duration::from_nanos(1)),
            hint_time: Some(std::time::Duration::ZERO),
            ..Default::default()
        };
        let Ok(plan) = yuva::matching::solve_with(&inst, options) else {
            continue;
        };
        let assign = assignment_of(&inst, &plan);
        let value = evaluate(&inst, &assign)
            .unwrap_or_else(|| panic!("seed {seed}: the start plan breaks a rule"));
        assert!(
            (value - plan.objective).abs() < 1e-6 * value.abs().max(1.0),
            "seed {seed}: objective recomputed"
        );
        assert!(
            plan.objective >= plan.baseline.objective - 1e-6,
            "seed {seed}: start {} below the baseline {}",
            plan.objective,
            plan.baseline.objective
        );
        for pair in &inst.locked {
            assert!(
                plan.placements
                    .iter()
                    .any(|p| p.child == pair.child && p.family == pair.family),
                "seed {seed}: lock not honoured"
            );
        }
        checked += 1;
    }
    assert!(checked > 300, "{checked} checked");
}
