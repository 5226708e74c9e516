//! The optimizer on instances of every shape `yuva::demo::profiles` makes (not only the demo
//! registry's): never worse than the greedy baseline, with and without a time limit; a proven
//! plan's value equals its bound; a plan out of time stays under its bound.

use std::time::Duration;

use yuva::demo::profiles::{self, Profile};
use yuva::geo::Gazetteer;
use yuva::matching::{Plan, SolveOptions, solve_greedy, solve_with};

fn solve(instance: &yuva::matching::Instance, limit: Option<Duration>) -> Plan {
    solve_with(
        instance,
        SolveOptions {
            time_limit: limit,
            hint_time: Some(Duration::ZERO),
            ..Default::default()
        },
    )
    .expect("a plan")
}

fn relative(a: f64) -> f64 {
    1e-6 * a.abs().max(1.0)
}

#[test]
fn the_optimizer_is_never_worse_than_greedy_on_any_profile() {
    let gazetteer = Gazetteer::embedded().expect("gazetteer");
    for profile in Profile::ALL {
        for seed in 1..=3 {
            let instance = profiles::instance(profile, 60, 36, seed, &gazetteer);
            let greedy = solve_greedy(&instance).expect("greedy");
            let name = format!("{} seed {seed}", profile.name());
            // No limit: proven, and the bound is the plan's own value.
            let plan = solve(&instance, None);
            assert!(plan.proven_optimal, "{name}");
            assert!(
                plan.objective >= greedy.objective - relative(greedy.objective),
                "{name}: optimizer {} < greedy {}",
                plan.objective,
                greedy.objective
            );
            let bound = plan.upper_bound.expect("a bound");
            assert!(
                (bound - plan.objective).abs() <= relative(bound),
                "{name}: proven {} but bound {bound}",
                plan.objective
            );
            // Out of time at once: the greedy plan at least, under an honest bound.
            let hurried = solve(&instance, Some(Duration::from_millis(1)));
            assert!(
                hurried.objective >= greedy.objective - relative(greedy.objective),
                "{name}, 1 ms: optimizer {} < greedy {}",
                hurried.objective,
                greedy.objective
            );
            let hurried_bound = hurried.upper_bound.expect("a bound");
            assert!(
                hurried_bound >= plan.objective - relative(plan.objective),
                "{name}, 1 ms: bound {hurried_bound} below the optimum {}",
                plan.objective
            );
            assert!(hurried.gap().is_some_and(|gap| gap >= 0.0), "{name}");
        }
    }
}

/// Each setting's price is what solving again with that one setting changed gives: checked
/// against full solves of the changed instances, and on a family of three places that takes one
/// sibling group, where a second group per family places the single child too.
#[test]
fn each_setting_is_priced_by_solving_again() {
    use yuva::matching::prices::{PriceOptions, SettingChange, price_settings};
    let gazetteer = Gazetteer::embedded().expect("gazetteer");
    let mut instance = profiles::instance(Profile::Split, 60, 36, 5, &gazetteer);
    instance.settings.max_groups_per_family = 1;
    instance.settings.weights.km = 4.0;
    let prices = price_settings(&instance, PriceOptions::default()).expect("prices");
    let current = solve(&instance, None);
    assert_eq!(prices.current.placed, current.placements.len());
    assert_eq!(prices.changes.len(), 3, "groups, distance, the km weight");
    for price in &prices.changes {
        let mut changed = instance.clone();
        match price.change {
            SettingChange::GroupsPerFamily { to, .. } => {
                changed.settings.max_groups_per_family = to
            }
            SettingChange::DistanceLimit { to_km, .. } => changed.settings.max_distance_km = to_km,
            SettingChange::Weight { to, .. } => changed.settings.weights.km = to,
        }
        let plan = solve(&changed, None);
        assert_eq!(
            price.outcome.placed,
            plan.placements.len(),
            "{:?}",
            price.change
        );
        assert!(
            (price.outcome.objective - plan.objective).abs() <= relative(plan.objective),
            "{:?}",
            price.change
        );
    }

    // One family, three places, one group per family: the pair of siblings goes, the third
    // child waits; with two groups per family all three are placed.
    let mut small = profiles::instance(Profile::Dense, 3, 1, 1, &gazetteer);
    let family = &mut small.families[0];
    family.status = yuva::domain::FamilyStatus::Approved;
    family.review_due = Some(String::from("2026-12-31"));
    (
        family.places,
        family.occupied,
        family.age_min,
        family.age_max,
    ) = (3, 0, 0, 17);
    family.sex = yuva::domain::SexPreference::Any;
    family.care_types = vec![
        yuva::domain::CareType::Emergency,
        yuva::domain::CareType::ShortTerm,
        yuva::domain::CareType::LongTerm,
        yuva::domain::CareType::Respite,
    ];
    family.needs = Vec::new();
    let (lat, lon) = (family.lat, family.lon);
    for (i, child) in small.children.iter_mut().enumerate() {
        (child.lat, child.lon, child.max_distance_km) = (lat, lon, None);
        child.needs = Vec::new();
        child.group = (i < 2).then(|| String::from("G-1"));
        child.may_split = false;
    }
    let prices = price_settings(&small, PriceOptions::default()).expect("prices");
    assert_eq!(prices.current.placed, 2);
    let groups = prices
        .changes
        .iter()
        .find(|p| matches!(p.change, SettingChange::GroupsPerFamily { from: 1, to: 2 }))
        .expect("a second group per family is priced");
    assert_eq!(groups.more_placed(&prices.current), 1);
}
