//! The demo generator: reproducible, valid, and realistic enough to train with.

mod common;

use std::collections::HashMap;

use common::*;
use yuva::demo::{DemoOptions, generate, populate};
use yuva::domain::*;
use yuva::store::Store;

fn options(seed: u64) -> DemoOptions {
    DemoOptions {
        seed,
        families: 60,
        children: 150,
        today: today(),
    }
}

#[test]
fn the_same_seed_gives_the_same_registry() {
    let g = gazetteer();
    assert_eq!(generate(&options(7), &g), generate(&options(7), &g));
    assert_ne!(generate(&options(7), &g), generate(&options(8), &g));

    // And the same rows in two database files.
    let dump = |seed| {
        let mut store = Store::open_in_memory().expect("store");
        populate(&mut store, &options(seed), &g).expect("populates");
        let mut families = store.families().expect("families");
        families.sort_by(|a, b| a.code.cmp(&b.code));
        let mut children = store.children().expect("children");
        children.sort_by(|a, b| a.code.cmp(&b.code));
        (
            families,
            children,
            store.sibling_groups().expect("groups"),
            store.occupied_places().expect("occupied"),
        )
    };
    assert_eq!(dump(11), dump(11));
}

#[test]
fn the_default_registry_is_valid_and_realistic() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    // populate() validates every record with the same rules as the window.
    let summary = populate(&mut store, &DemoOptions::new(today()), &g).expect("every record valid");
    assert_eq!((summary.families, summary.children), (60, 150));

    let families = store.families().expect("families");
    let children = store.children().expect("children");
    let count = |f: &dyn Fn(&Family) -> bool| families.iter().filter(|x| f(x)).count();
    assert!(count(&|f| f.status == FamilyStatus::Approved) >= 30);
    for status in [FamilyStatus::InAssessment, FamilyStatus::Suspended] {
        assert!(count(&|f| f.status == status) > 0, "some {status:?}");
    }
    assert!(
        count(&|f| f.review_overdue(today())) > 0,
        "some overdue reviews"
    );
    assert!(count(&|f| !f.terms.needs.is_empty()) > 0);
    let azerbaijani_letters = |name: &str| name.chars().any(|c| "əğışçöüƏĞİŞÇÖÜ".contains(c));
    assert!(
        count(&|f| azerbaijani_letters(&f.main_carer.full_name)) > families.len() / 2,
        "Azerbaijani names"
    );

    let mut sizes: HashMap<i64, usize> = HashMap::new();
    for child in &children {
        if let Some(group) = child.sibling_group_id {
            *sizes.entry(group).or_default() += 1;
        }
    }
    assert!(!sizes.is_empty(), "there are sibling groups");
    assert!(
        sizes.values().all(|&n| (2..=5).contains(&n)),
        "groups of 2–5: {sizes:?}"
    );
    assert!(children.iter().any(|c| c.status == ChildStatus::Awaiting));
    assert!(children.iter().any(|c| c.status == ChildStatus::Placed));
    assert!(children.iter().any(|c| !c.needs.is_empty()));
    assert!(children.iter().any(|c| c.urgency == Urgency::Emergency));
    let placed = children
        .iter()
        .filter(|c| c.status == ChildStatus::Placed)
        .count() as u32;
    assert_eq!(
        store
            .occupied_places()
            .expect("occupied")
            .values()
            .sum::<u32>(),
        placed
    );
    // Siblings share a home district and referral.
    for child in &children {
        if let Some(group) = child.sibling_group_id {
            let first = children
                .iter()
                .find(|c| c.sibling_group_id == Some(group))
                .expect("member");
            assert_eq!(first.location.district_code, child.location.district_code);
        }
    }
    // Occupancy never exceeds places.
    let occupied = store.occupied_places().expect("occupied");
    for family in &families {
        let taken = family
            .id
            .and_then(|id| occupied.get(&id))
            .copied()
            .unwrap_or(0);
        assert!(taken <= u32::from(family.terms.places));
    }
}

#[test]
fn large_registries_generate_valid_records() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    let options = DemoOptions {
        seed: 3,
        families: 600,
        children: 1500,
        today: today(),
    };
    let summary = populate(&mut store, &options, &g).expect("valid");
    assert_eq!(summary.children, 1500);
    assert_eq!(store.children().expect("children").len(), 1500);
}

#[test]
fn the_history_ends_placements_every_way_the_statuses_say() {
    let g = gazetteer();
    let mut store = Store::open_in_memory().expect("store");
    let options = DemoOptions {
        seed: 11,
        families: 400,
        children: 1000,
        today: today(),
    };
    let summary = populate(&mut store, &options, &g).expect("valid");
    assert!(summary.ended_placements > 0);
    let children: HashMap<i64, Child> = store
        .children()
        .expect("children")
        .into_iter()
        .filter_map(|c| Some((c.id?, c)))
        .collect();
    let placements = store.placements().expect("placements");
    let ended: Vec<&PlacementRecord> = placements.iter().filter(|p| !p.is_active()).collect();
    assert_eq!(ended.len(), summary.ended_placements);
    let rules = store.pair_rules().expect("rules");
    let mut reasons = std::collections::BTreeSet::new();
    for p in &ended {
        let (Some(end), Some(reason)) = (p.end_date, p.end_reason) else {
            panic!("an ended placement has its end and reason");
        };
        assert!(p.start_date < end && end <= today(), "{p:?}");
        let child = &children[&p.child_id];
        assert!(p.start_date >= child.referral_date, "{p:?}");
        reasons.insert(reason);
        match reason {
            EndReason::Reunified => assert_eq!(child.status, ChildStatus::Reunified),
            EndReason::Adopted => assert_eq!(child.status, ChildStatus::Exited),
            EndReason::Breakdown => {
                assert_eq!(child.status, ChildStatus::Awaiting);
                assert!(
                    rules.iter().any(|r| r.kind == PairRuleKind::Exclude
                        && r.child_id == p.child_id
                        && r.family_id == p.family_id),
                    "a breakdown excludes its pair"
                );
            }
            EndReason::Moved => {
                assert_eq!(child.status, ChildStatus::Placed);
                assert!(
                    placements.iter().any(|q| q.child_id == p.child_id
                        && q.is_active()
                        && q.start_date == end
                        && q.family_id != p.family_id),
                    "a move ends the day the present placement begins, elsewhere"
                );
            }
            EndReason::AgedOut => panic!("children in the demo are under 18"),
        }
    }
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    // The active placements still fill no family beyond its places.
    let families = store.families().expect("families");
    for (id, taken) in store.occupied_places().expect("occupied") {
        let family = families.iter().find(|f| f.id == Some(id)).expect("family");
        assert!(taken <= u32::from(family.terms.places));
    }
}
