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
