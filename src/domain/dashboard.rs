//! The figures of the start screen, computed from the registry's records: who is waiting and
//! where, where places are free, which reviews are due, and this year's placements.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::codes::{ChildStatus, FamilyStatus};
use super::model::{Child, Family};
use super::workflow::PlacementRecord;

/// Days-waiting bands of the waiting chart: up to 30, 90, 180, 365 days, and longer.
pub const WAITING_BANDS: [i64; 4] = [30, 90, 180, 365];

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictWaiting {
    pub district_code: String,
    pub children: usize,
    pub mean_days: i64,
    pub longest_days: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dashboard {
    /// Children awaiting a family or proposed to a panel, by district, most first.
    pub waiting_by_district: Vec<DistrictWaiting>,
    /// Waiting children per band of [`WAITING_BANDS`] (the last one: over a year).
    pub waiting_by_band: [usize; 5],
    /// Free places in families that can take a child today, by district, most first.
    pub free_by_district: Vec<(String, u32)>,
    pub reviews_overdue: usize,
    pub reviews_due_30_days: usize,
    /// Placements started and ended in each month of the current year.
    pub started_by_month: [usize; 12],
    pub ended_by_month: [usize; 12],
    pub total_waiting: usize,
    pub total_free: u32,
    pub active_placements: usize,
}

impl Dashboard {
    pub fn compute(
        families: &[Family],
        children: &[Child],
        occupied: &HashMap<i64, u32>,
        placements: &[PlacementRecord],
        today: NaiveDate,
    ) -> Dashboard {
        let mut dashboard = Dashboard::default();
        let mut waiting: BTreeMap<&str, (usize, i64, i64)> = BTreeMap::new();
        for child in children
            .iter()
            .filter(|c| matches!(c.status, ChildStatus::Awaiting | ChildStatus::Proposed))
        {
            let days = child.days_waiting(today);
            let entry = waiting
                .entry(child.location.district_code.as_str())
                .or_default();
            entry.0 += 1;
            entry.1 += days;
            entry.2 = entry.2.max(days);
            let band = WAITING_BANDS
                .iter()
                .position(|&limit| days <= limit)
                .unwrap_or(WAITING_BANDS.len());
            dashboard.waiting_by_band[band] += 1;
            dashboard.total_waiting += 1;
        }
        dashboard.waiting_by_district = waiting
            .into_iter()
            .map(|(code, (count, total, longest))| DistrictWaiting {
                district_code: code.to_owned(),
                children: count,
                mean_days: total / count.max(1) as i64,
                longest_days: longest,
            })
            .collect();
        dashboard.waiting_by_district.sort_by(|a, b| {
            b.children
                .cmp(&a.children)
                .then(b.mean_days.cmp(&a.mean_days))
        });

        let mut free: BTreeMap<&str, u32> = BTreeMap::new();
        let soon = today + chrono::Duration::days(30);
        for family in families
            .iter()
            .filter(|f| f.status == FamilyStatus::Approved)
        {
            match family.review_due {
                Some(due) if due < today => dashboard.reviews_overdue += 1,
                Some(due) if due <= soon => dashboard.reviews_due_30_days += 1,
                _ => {}
            }
            if family.review_due.is_none_or(|due| due < today) {
                continue;
            }
            let taken = family
                .id
                .and_then(|id| occupied.get(&id))
                .copied()
                .unwrap_or(0);
            let places = u32::from(family.terms.places).saturating_sub(taken);
            if places > 0 {
                *free
                    .entry(family.location.district_code.as_str())
                    .or_default() += places;
                dashboard.total_free += places;
            }
        }
        dashboard.free_by_district = free
            .into_iter()
            .map(|(code, places)| (code.to_owned(), places))
            .collect();
        dashboard
            .free_by_district
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        for placement in placements {
            if placement.is_active() {
                dashboard.active_placements += 1;
            }
            if placement.start_date.year() == today.year() {
                dashboard.started_by_month[placement.start_date.month0() as usize] += 1;
            }
            if let Some(end) = placement.end_date
                && end.year() == today.year()
            {
                dashboard.ended_by_month[end.month0() as usize] += 1;
            }
        }
        dashboard
    }
}
