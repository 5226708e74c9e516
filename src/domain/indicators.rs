//! The programme's indicators for a period — what the EU/UNICEF programme and the Ministry
//! measure the foster-care pilot by — computed from the registry's records alone:
//!
//! - children in foster families on the last day of each month (by the child's district);
//! - children placed in the period, reunified with their families, adopted, aged out, and moved
//!   out of an institution into a family (their first placement, referred from an institution);
//! - sibling groups placed in the period and the share kept together (every member in one
//!   family);
//! - days waiting: from referral to the first placement for children placed in the period, and
//!   for the children still waiting at its end;
//! - placements in force in the period, how they ended, breakdowns per placement;
//! - families by status (today), families approved in the period, reviews overdue at its end;
//! - the pilot districts side by side with the rest of the country.
//!
//! A child counts in the district of its own record (the guardianship body that referred it),
//! a family in the district it lives in. Counts are of distinct children, not of placements,
//! except where a figure says "placements".

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};

use super::codes::{ChildStatus, EndReason, FamilyStatus, Situation};
use super::dashboard::WAITING_BANDS;
use super::model::{Child, Family, SiblingGroup};
use super::workflow::PlacementRecord;

/// The registry setting that lists the pilot districts (gazetteer codes, comma-separated).
pub const PILOT_DISTRICTS_SETTING: &str = "pilot_districts";

/// The pilot districts until an administrator sets them (Settings → Indicators): the six
/// largest cities, where the pilot's cases are. The programme names its own six; this is only
/// where a new registry starts.
pub const DEFAULT_PILOT_DISTRICTS: [&str; 6] =
    ["AZ-BA", "AZ-SM", "AZ-GA", "AZ-LA", "AZ-MI", "AZ-SA"];

/// Reads the setting's value: codes separated by commas or spaces, upper-cased, deduplicated,
/// in their order. `None` (never set) gives the defaults.
pub fn pilot_districts_from_setting(value: Option<&str>) -> Vec<String> {
    match value {
        None => DEFAULT_PILOT_DISTRICTS
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
        Some(value) => {
            let mut codes: Vec<String> = Vec::new();
            for code in value.split([',', ' ', ';']).map(str::trim) {
                let code = code.to_uppercase();
                if !code.is_empty() && !codes.contains(&code) {
                    codes.push(code);
                }
            }
            codes
        }
    }
}

/// A reporting period, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// A period from `from` to `to`; `None` when it ends before it starts.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        (from <= to).then_some(Period { from, to })
    }

    /// From the first of January of `today`'s year to `today`.
    pub fn year_to_date(today: NaiveDate) -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            to: today,
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The last day of each month the period touches (the period's own last day for its last
    /// month): the days "children in families" are counted on.
    pub fn month_ends(&self) -> Vec<NaiveDate> {
        let mut ends = Vec::new();
        let (mut year, mut month) = (self.from.year(), self.from.month());
        loop {
            let (next_year, next_month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
            let end = NaiveDate::from_ymd_opt(next_year, next_month, 1)
                .and_then(|d| d.pred_opt())
                .unwrap_or(self.to);
            if end >= self.to {
                ends.push(self.to);
                return ends;
            }
            ends.push(end);
            (year, month) = (next_year, next_month);
        }
    }
}

/// The figures of one area: a district, the pilot districts together, the rest, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AreaFigures {
    /// Children in a foster family on the period's last day.
    pub in_families_at_end: usize,
    /// Children whose placement started in the period.
    pub placed: usize,
    /// Of those, children placed for the first time who were referred from an institution.
    pub from_institutions: usize,
    /// Children whose placement ended in the period by reunification with their family.
    pub reunified: usize,
    pub adopted: usize,
    pub aged_out: usize,
    /// Placements that broke down in the period.
    pub breakdowns: usize,
    /// Children waiting for a family on the period's last day.
    pub waiting_at_end: usize,
    /// Families approved in the period (by the family's district).
    pub families_approved: usize,
    /// Approved families (today) whose review was overdue on the period's last day.
    pub reviews_overdue: usize,
}

/// Days a set of children waited: how many, the median and the spread over
/// [`WAITING_BANDS`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Waiting {
    pub children: usize,
    /// The median in whole days (the lower of the two middle values for an even count);
    /// `None` with no children.
    pub median_days: Option<i64>,
    pub by_band: [usize; 5],
}

impl Waiting {
    fn of(mut days: Vec<i64>) -> Waiting {
        days.sort_unstable();
        let mut by_band = [0; 5];
        for &d in &days {
            let band = WAITING_BANDS
                .iter()
                .position(|&limit| d <= limit)
                .unwrap_or(WAITING_BANDS.len());
            by_band[band] += 1;
        }
        Waiting {
            children: days.len(),
            median_days: (!days.is_empty()).then(|| days[(days.len() - 1) / 2]),
            by_band,
        }
    }
}

/// Every indicator of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicators {
    pub period: Period,
    /// The days of [`Period::month_ends`].
    pub month_ends: Vec<NaiveDate>,
    /// Children in foster families on each month end, all districts.
    pub in_families_by_month: Vec<usize>,
    /// The same by district (districts with at least one child in a family in the period), most
    /// children at the period's end first.
    pub in_families_by_district: Vec<(String, Vec<usize>)>,
    pub all: AreaFigures,
    /// The pilot districts as configured, in that order, each with its figures.
    pub pilot_districts: Vec<(String, AreaFigures)>,
    pub pilot: AreaFigures,
    pub rest: AreaFigures,
    /// Sibling groups (two or more children) with a member placed in the period.
    pub sibling_groups_placed: usize,
    /// Of those, groups whose members are all in one family.
    pub sibling_groups_together: usize,
    /// Of the groups not together, those whose split was allowed with a recorded reason.
    pub sibling_groups_split_with_reason: usize,
    /// From referral to the first placement, for children first placed in the period.
    pub waited_before_placement: Waiting,
    /// For the children still waiting on the period's last day, counted to that day.
    pub waiting_at_end: Waiting,
    /// Placements in force at some time in the period.
    pub placements_in_force: usize,
    /// Placements ended in the period, by reason (in [`EndReason::ALL`]'s order).
    pub ended_by_reason: Vec<(EndReason, usize)>,
    /// Families by status today (the registry keeps no history of statuses).
    pub families_by_status: Vec<(FamilyStatus, usize)>,
}

impl Indicators {
    /// Breakdowns per placement in force in the period (`None` with no placement).
    pub fn breakdown_rate(&self) -> Option<f64> {
        (self.placements_in_force > 0)
            .then(|| self.all.breakdowns as f64 / self.placements_in_force as f64)
    }

    /// The share of placed sibling groups kept together (`None` with no group placed).
    pub fn siblings_together_share(&self) -> Option<f64> {
        (self.sibling_groups_placed > 0)
            .then(|| self.sibling_groups_together as f64 / self.sibling_groups_placed as f64)
    }

    pub fn compute(
        families: &[Family],
        children: &[Child],
        groups: &[SiblingGroup],
        placements: &[PlacementRecord],
        pilot_codes: &[String],
        period: Period,
    ) -> Indicators {
        let pilot: BTreeSet<&str> = pilot_codes.iter().map(String::as_str).collect();
        let child_by_id: HashMap<i64, &Child> =
            children.iter().filter_map(|c| Some((c.id?, c))).collect();
        let district_of = |child_id: i64| -> &str {
            child_by_id
                .get(&child_id)
                .map_or("", |c| c.location.district_code.as_str())
        };
        let in_force_on = |p: &PlacementRecord, day: NaiveDate| {
            p.start_date <= day && p.end_date.is_none_or(|end| end > day)
        };
        // Each child's placements, oldest first.
        let mut by_child: BTreeMap<i64, Vec<&PlacementRecord>> = BTreeMap::new();
        for p in placements {
            by_child.entry(p.child_id).or_default().push(p);
        }
        for list in by_child.values_mut() {
            list.sort_by_key(|p| (p.start_date, p.id));
        }

        // Per district and the whole, then summed into pilot / rest.
        let mut areas: BTreeMap<String, AreaFigures> = BTreeMap::new();
        let mut all = AreaFigures::default();
        let mut add = |district: &str, change: &dyn Fn(&mut AreaFigures)| {
            change(areas.entry(district.to_owned()).or_default());
            change(&mut all);
        };

        let month_ends = period.month_ends();
        let mut monthly: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut in_families_by_month = vec![0; month_ends.len()];
        let mut waited = Vec::new();
        let mut waiting_days = Vec::new();
        let mut placements_in_force = 0;
        let mut ended: BTreeMap<EndReason, usize> = BTreeMap::new();

        for (&child_id, list) in &by_child {
            let district = district_of(child_id).to_owned();
            for (m, &day) in month_ends.iter().enumerate() {
                if list.iter().any(|p| in_force_on(p, day)) {
                    in_families_by_month[m] += 1;
                    monthly
                        .entry(district.clone())
                        .or_insert_with(|| vec![0; month_ends.len()])[m] += 1;
                }
            }
            if list.iter().any(|p| in_force_on(p, period.to)) {
                add(&district, &|a| a.in_families_at_end += 1);
            }
            if list.iter().any(|p| period.contains(p.start_date)) {
                add(&district, &|a| a.placed += 1);
            }
            let first = list[0];
            if period.contains(first.start_date)
                && let Some(child) = child_by_id.get(&child_id)
            {
                waited.push((first.start_date - child.referral_date).num_days().max(0));
                if child.situation == Situation::Institution {
                    add(&district, &|a| a.from_institutions += 1);
                }
            }
            let ended_with = |reason: EndReason| {
                list.iter().any(|p| {
                    p.end_reason == Some(reason) && p.end_date.is_some_and(|d| period.contains(d))
                })
            };
            if ended_with(EndReason::Reunified) {
                add(&district, &|a| a.reunified += 1);
            }
            if ended_with(EndReason::Adopted) {
                add(&district, &|a| a.adopted += 1);
            }
            if ended_with(EndReason::AgedOut) {
                add(&district, &|a| a.aged_out += 1);
            }
            for p in list {
                if p.start_date <= period.to && p.end_date.is_none_or(|end| end >= period.from) {
                    placements_in_force += 1;
                }
                if let (Some(end), Some(reason)) = (p.end_date, p.end_reason)
                    && period.contains(end)
                {
                    *ended.entry(reason).or_default() += 1;
                    if reason == EndReason::Breakdown {
                        add(&district, &|a| a.breakdowns += 1);
                    }
                }
            }
        }

        // Children waiting on the period's last day: referred by then, in no family that day,
        // and either still waiting today or placed only after the period.
        for child in children {
            if child.referral_date > period.to {
                continue;
            }
            let list = child.id.and_then(|id| by_child.get(&id));
            let in_family = list.is_some_and(|l| l.iter().any(|p| in_force_on(p, period.to)));
            if in_family {
                continue;
            }
            let waits_now = matches!(child.status, ChildStatus::Awaiting | ChildStatus::Proposed);
            let placed_later = list.is_some_and(|l| l.iter().any(|p| p.start_date > period.to));
            if waits_now || placed_later {
                waiting_days.push((period.to - child.referral_date).num_days().max(0));
                add(&child.location.district_code, &|a| a.waiting_at_end += 1);
            }
        }

        let mut families_by_status: BTreeMap<FamilyStatus, usize> = BTreeMap::new();
        for family in families {
            *families_by_status.entry(family.status).or_default() += 1;
            let district = family.location.district_code.as_str();
            if family.approval_date.is_some_and(|d| period.contains(d)) {
                add(district, &|a| a.families_approved += 1);
            }
            if family.status == FamilyStatus::Approved
                && family.review_due.is_some_and(|due| due < period.to)
            {
                add(district, &|a| a.reviews_overdue += 1);
            }
        }

        // Sibling groups with a member placed in the period: together when every member has
        // a placement begun by the period's end and the latest ones are all in one family.
        let mut members: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for child in children {
            if let (Some(group), Some(id)) = (child.sibling_group_id, child.id) {
                members.entry(group).or_default().push(id);
            }
        }
        let may_split: HashMap<i64, bool> = groups
            .iter()
            .filter_map(|g| Some((g.id?, g.may_split)))
            .collect();
        let (mut groups_placed, mut together, mut split_with_reason) = (0, 0, 0);
        for (group, ids) in members.iter().filter(|(_, ids)| ids.len() >= 2) {
            let placed_in_period = ids.iter().any(|id| {
                by_child
                    .get(id)
                    .is_some_and(|l| l.iter().any(|p| period.contains(p.start_date)))
            });
            if !placed_in_period {
                continue;
            }
            groups_placed += 1;
            let latest_families: Vec<Option<i64>> = ids
                .iter()
                .map(|id| {
                    by_child.get(id).and_then(|l| {
                        l.iter()
                            .rev()
                            .find(|p| p.start_date <= period.to)
                            .map(|p| p.family_id)
                    })
                })
                .collect();
            let first = latest_families[0];
            if first.is_some() && latest_families.iter().all(|f| *f == first) {
                together += 1;
            } else if may_split.get(group).copied().unwrap_or(false) {
                split_with_reason += 1;
            }
        }

        let mut pilot_sum = AreaFigures::default();
        let mut rest_sum = AreaFigures::default();
        for (district, figures) in &areas {
            let sum = if pilot.contains(district.as_str()) {
                &mut pilot_sum
            } else {
                &mut rest_sum
            };
            *sum = sum.plus(figures);
        }
        let mut in_families_by_district: Vec<(String, Vec<usize>)> = monthly.into_iter().collect();
        in_families_by_district.sort_by(|a, b| {
            b.1.last()
                .cmp(&a.1.last())
                .then_with(|| b.1.iter().sum::<usize>().cmp(&a.1.iter().sum()))
                .then_with(|| a.0.cmp(&b.0))
        });

        Indicators {
            period,
            month_ends,
            in_families_by_month,
            in_families_by_district,
            all,
            pilot_districts: pilot_codes
                .iter()
                .map(|code| (code.clone(), areas.get(code).copied().unwrap_or_default()))
                .collect(),
            pilot: pilot_sum,
            rest: rest_sum,
            sibling_groups_placed: groups_placed,
            sibling_groups_together: together,
            sibling_groups_split_with_reason: split_with_reason,
            waited_before_placement: Waiting::of(waited),
            waiting_at_end: Waiting::of(waiting_days),
            placements_in_force,
            ended_by_reason: EndReason::ALL
                .iter()
                .map(|r| (*r, ended.get(r).copied().unwrap_or(0)))
                .collect(),
            families_by_status: FamilyStatus::ALL
                .iter()
                .map(|s| (*s, families_by_status.get(s).copied().unwrap_or(0)))
                .collect(),
        }
    }
}

impl AreaFigures {
    fn plus(&self, other: &AreaFigures) -> AreaFigures {
        AreaFigures {
            in_families_at_end: self.in_families_at_end + other.in_families_at_end,
            placed: self.placed + other.placed,
            from_institutions: self.from_institutions + other.from_institutions,
            reunified: self.reunified + other.reunified,
            adopted: self.adopted + other.adopted,
            aged_out: self.aged_out + other.aged_out,
            breakdowns: self.breakdowns + other.breakdowns,
            waiting_at_end: self.waiting_at_end + other.waiting_at_end,
            families_approved: self.families_approved + other.families_approved,
            reviews_overdue: self.reviews_overdue + other.reviews_overdue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn month_ends_cover_the_period_and_stop_at_its_last_day() {
        let period = Period::new(d(2026, 1, 15), d(2026, 3, 10)).expect("ordered");
        assert_eq!(
            period.month_ends(),
            vec![d(2026, 1, 31), d(2026, 2, 28), d(2026, 3, 10)]
        );
        let one_day = Period::new(d(2026, 12, 31), d(2026, 12, 31)).expect("ordered");
        assert_eq!(one_day.month_ends(), vec![d(2026, 12, 31)]);
        let across = Period::new(d(2025, 12, 1), d(2026, 1, 31)).expect("ordered");
        assert_eq!(across.month_ends(), vec![d(2025, 12, 31), d(2026, 1, 31)]);
        assert!(Period::new(d(2026, 2, 1), d(2026, 1, 1)).is_none());
    }

    #[test]
    fn the_median_is_the_lower_middle_value() {
        let w = Waiting::of(vec![400, 10, 100, 40]);
        assert_eq!(w.median_days, Some(40));
        assert_eq!(w.by_band, [1, 1, 1, 0, 1]);
        assert_eq!(Waiting::of(Vec::new()).median_days, None);
    }

    #[test]
    fn pilot_districts_read_from_the_setting() {
        assert_eq!(pilot_districts_from_setting(None).len(), 6);
        assert_eq!(
            pilot_districts_from_setting(Some("az-ba, AZ-SM;AZ-BA ")),
            vec!["AZ-BA".to_owned(), "AZ-SM".to_owned()]
        );
        assert!(pilot_districts_from_setting(Some("")).is_empty());
    }
}
