//! Searching, filtering and sorting the registry's lists. Each list keeps an index with the
//! folded search text and the Azerbaijani collation key of every record, built once when the
//! records load, so that a query over ten thousand children is a single pass.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::codes::*;
use super::model::{Child, Family, Location};
use super::places::Places;
use super::text::{CollationKey, fold_for_search, matches_query};

fn place_names(location: &Location, gazetteer: &dyn Places, out: &mut String) {
    for code in [
        Some(location.district_code.as_str()),
        location.settlement_code.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(names) = gazetteer.names(code) {
            for name in names {
                out.push(' ');
                out.push_str(name);
            }
        }
    }
}

fn district_key(location: &Location, gazetteer: &dyn Places) -> CollationKey {
    CollationKey::new(
        gazetteer
            .names(&location.district_code)
            .map_or("", |[az, ..]| az),
    )
}

struct Row {
    search: String,
    name: CollationKey,
    district: CollationKey,
}

// ---------------------------------------------------------------------------------------------
// Families

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FamilySort {
    #[default]
    Name,
    Code,
    District,
    FreePlaces,
    ReviewDue,
}

impl FamilySort {
    pub const ALL: [FamilySort; 5] = [
        FamilySort::Name,
        FamilySort::Code,
        FamilySort::District,
        FamilySort::FreePlaces,
        FamilySort::ReviewDue,
    ];

    pub fn locale_key(self) -> &'static str {
        match self {
            FamilySort::Name => "family.sort_name",
            FamilySort::Code => "family.sort_code",
            FamilySort::District => "family.sort_district",
            FamilySort::FreePlaces => "family.sort_free",
            FamilySort::ReviewDue => "family.sort_review",
        }
    }
}

/// What the families list shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FamilyQuery {
    pub text: String,
    pub status: Option<FamilyStatus>,
    pub district: Option<String>,
    pub care_type: Option<CareType>,
    pub with_free_places: bool,
    pub review_overdue: bool,
    pub sort: FamilySort,
}

pub struct FamilyIndex {
    rows: Vec<Row>,
}

/// Puts `row` at `position`, replacing the row there or appending it after the last.
fn put_row(rows: &mut Vec<Row>, position: usize, row: Row) {
    match rows.get_mut(position) {
        Some(slot) => *slot = row,
        None => rows.push(row),
    }
}

impl FamilyIndex {
    pub fn build(families: &[Family], gazetteer: &dyn Places) -> Self {
        let rows = families.iter().map(|f| Self::row(f, gazetteer)).collect();
        FamilyIndex { rows }
    }

    fn row(f: &Family, gazetteer: &dyn Places) -> Row {
        let mut text = format!(
            "{} {} {}",
            f.code, f.main_carer.full_name, f.location.address
        );
        if let Some(second) = &f.second_carer {
            text.push(' ');
            text.push_str(&second.full_name);
        }
        text.push(' ');
        text.extend(f.main_carer.phone.chars().filter(char::is_ascii_digit));
        place_names(&f.location, gazetteer, &mut text);
        Row {
            search: fold_for_search(&text),
            name: CollationKey::new(&f.main_carer.full_name),
            district: district_key(&f.location, gazetteer),
        }
    }

    /// Indexes the family at `position` of the list again after it changed (or was added at
    /// the end), without rebuilding the rest.
    pub fn put(&mut self, position: usize, family: &Family, gazetteer: &dyn Places) {
        put_row(&mut self.rows, position, Self::row(family, gazetteer));
    }

    /// Positions in `families` of the records the query selects, in its order.
    pub fn query(
        &self,
        families: &[Family],
        occupied: &HashMap<i64, u32>,
        query: &FamilyQuery,
        today: NaiveDate,
    ) -> Vec<usize> {
        let folded = fold_for_search(&query.text);
        let free = |f: &Family| {
            let taken = f.id.and_then(|id| occupied.get(&id)).copied().unwrap_or(0);
            u32::from(f.terms.places).saturating_sub(taken)
        };
        let mut selected: Vec<usize> = (0..families.len().min(self.rows.len()))
            .filter(|&i| {
                let f = &families[i];
                matches_query(&self.rows[i].search, &folded)
                    && query.status.is_none_or(|s| f.status == s)
                    && query
                        .district
                        .as_ref()
                        .is_none_or(|d| &f.location.district_code == d)
                    && query
                        .care_type
                        .is_none_or(|c| f.terms.care_types.contains(&c))
                    && (!query.with_free_places || free(f) > 0)
                    && (!query.review_overdue || f.review_overdue(today))
            })
            .collect();
        let by_name = |a: usize, b: usize| self.rows[a].name.cmp(&self.rows[b].name);
        let order = |a: &usize, b: &usize| -> Ordering {
            let (fa, fb) = (&families[*a], &families[*b]);
            match query.sort {
                FamilySort::Name => by_name(*a, *b),
                FamilySort::Code => fa.code.cmp(&fb.code),
                FamilySort::District => self.rows[*a].district.cmp(&self.rows[*b].district),
                FamilySort::FreePlaces => free(fb).cmp(&free(fa)),
                // Soonest (or most overdue) review first; families without one last.
                FamilySort::ReviewDue => match (fa.review_due, fb.review_due) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                },
            }
            .then_with(|| by_name(*a, *b))
            .then_with(|| fa.code.cmp(&fb.code))
        };
        selected.sort_by(order);
        selected
    }
}

// ---------------------------------------------------------------------------------------------
// Children

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChildSort {
    #[default]
    Name,
    Code,
    Age,
    DaysWaiting,
    Urgency,
}

impl ChildSort {
    pub const ALL: [ChildSort; 5] = [
        ChildSort::Name,
        ChildSort::Code,
        ChildSort::Age,
        ChildSort::DaysWaiting,
        ChildSort::Urgency,
    ];

    pub fn locale_key(self) -> &'static str {
        match self {
            ChildSort::Name => "child.sort_name",
            ChildSort::Code => "child.sort_code",
            ChildSort::Age => "child.sort_age",
            ChildSort::DaysWaiting => "child.sort_waiting",
            ChildSort::Urgency => "child.sort_urgency",
        }
    }
}

/// "Waiting longer than" choices of the children list, in days.
pub const WAITING_THRESHOLDS: [(i64, &str); 4] = [
    (30, "child.waiting_30"),
    (90, "child.waiting_90"),
    (180, "child.waiting_180"),
    (365, "child.waiting_365"),
];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChildQuery {
    pub text: String,
    pub status: Option<ChildStatus>,
    pub district: Option<String>,
    pub urgency: Option<Urgency>,
    pub need: Option<Need>,
    /// Only children waiting more than this many days.
    pub waiting_over_days: Option<i64>,
    pub sort: ChildSort,
}

pub struct ChildIndex {
    rows: Vec<Row>,
}

impl ChildIndex {
    pub fn build(children: &[Child], gazetteer: &dyn Places) -> Self {
        let rows = children.iter().map(|c| Self::row(c, gazetteer)).collect();
        ChildIndex { rows }
    }

    fn row(c: &Child, gazetteer: &dyn Places) -> Row {
        // Name, code and place; not the school ("45 nömrəli məktəb" would match "əli").
        let mut text = format!("{} {} {}", c.code, c.first_name, c.last_name);
        place_names(&c.location, gazetteer, &mut text);
        Row {
            search: fold_for_search(&text),
            name: CollationKey::new(&format!("{} {}", c.last_name, c.first_name)),
            district: district_key(&c.location, gazetteer),
        }
    }

    /// Indexes the child at `position` of the list again after it changed (or was added at
    /// the end), without rebuilding the rest.
    pub fn put(&mut self, position: usize, child: &Child, gazetteer: &dyn Places) {
        put_row(&mut self.rows, position, Self::row(child, gazetteer));
    }

    pub fn query(&self, children: &[Child], query: &ChildQuery, today: NaiveDate) -> Vec<usize> {
        let folded = fold_for_search(&query.text);
        let mut selected: Vec<usize> = (0..children.len().min(self.rows.len()))
            .filter(|&i| {
                let c = &children[i];
                matches_query(&self.rows[i].search, &folded)
                    && query.status.is_none_or(|s| c.status == s)
                    && query
                        .district
                        .as_ref()
                        .is_none_or(|d| &c.location.district_code == d)
                    && query.urgency.is_none_or(|u| c.urgency == u)
                    && query.need.is_none_or(|n| c.needs.contains(&n))
                    && query
                        .waiting_over_days
                        .is_none_or(|days| c.days_waiting(today) > days)
            })
            .collect();
        let by_name = |a: usize, b: usize| self.rows[a].name.cmp(&self.rows[b].name);
        let order = |a: &usize, b: &usize| -> Ordering {
            let (ca, cb) = (&children[*a], &children[*b]);
            match query.sort {
                ChildSort::Name => by_name(*a, *b),
                ChildSort::Code => ca.code.cmp(&cb.code),
                ChildSort::Age => cb.birth_date.cmp(&ca.birth_date),
                ChildSort::DaysWaiting => ca.referral_date.cmp(&cb.referral_date),
                ChildSort::Urgency => cb
                    .urgency
                    .cmp(&ca.urgency)
                    .then_with(|| ca.referral_date.cmp(&cb.referral_date)),
            }
            .then_with(|| by_name(*a, *b))
            .then_with(|| ca.code.cmp(&cb.code))
        };
        selected.sort_by(order);
        selected
    }
}
