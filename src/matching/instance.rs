//! The instance file (see [`crate::matching`], section Instance file): what the optimizer is
//! asked to solve, and its validation.
//! Every problem is reported once, with its JSON path:
//! `children[3].birth_date: "2019-13-01" is not a date`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{CareType, FamilyStatus, Language, Need, Sex, SexPreference, Urgency};

/// Weights of the objective. The defaults are the contract.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    pub place: f64,
    pub km: f64,
    pub language: f64,
    pub split: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            place: 1000.0,
            km: 1.0,
            language: 50.0,
            split: 300.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub max_distance_km: f64,
    pub max_groups_per_family: u32,
    pub weights: Weights,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_distance_km: crate::domain::compatibility::DEFAULT_DISTANCE_LIMIT_KM,
            max_groups_per_family: 1,
            weights: Weights::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyInput {
    pub id: String,
    pub status: FamilyStatus,
    pub review_due: Option<String>,
    pub places: u32,
    pub occupied: u32,
    pub age_min: u32,
    pub age_max: u32,
    pub sex: SexPreference,
    pub care_types: Vec<CareType>,
    pub needs: Vec<Need>,
    pub languages: Vec<Language>,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildInput {
    pub id: String,
    pub birth_date: String,
    pub sex: Sex,
    pub group: Option<String>,
    #[serde(default)]
    pub may_split: bool,
    pub urgency: Urgency,
    pub care_type: CareType,
    pub needs: Vec<Need>,
    pub languages: Vec<Language>,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub max_distance_km: Option<f64>,
    /// When the child was referred; the greedy baseline takes the longest-waiting first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairInput {
    pub child: String,
    pub family: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub planning_date: String,
    #[serde(default)]
    pub settings: Settings,
    pub families: Vec<FamilyInput>,
    pub children: Vec<ChildInput>,
    #[serde(default)]
    pub locked: Vec<PairInput>,
    #[serde(default)]
    pub excluded: Vec<PairInput>,
}

/// A problem in an instance, with the JSON path where it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// The longest message an input error keeps (a 1 MB value is not echoed whole).
const MESSAGE_MAX_CHARS: usize = 240;

impl InputError {
    /// An error at `path`. The message is kept to one line: control characters are written as
    /// escapes (none reaches the terminal) and a long message is cut, saying how long it was.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            path: one_line(&path.into()),
            message: one_line(&message.into()),
        }
    }
}

/// `text` on one line, control characters escaped, cut after [`MESSAGE_MAX_CHARS`].
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MESSAGE_MAX_CHARS {
            let total = text.chars().count();
            out.push_str(&format!("… ({total} characters)"));
            return out;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses an instance from JSON text. Syntax errors, unknown fields and unknown codes come
/// with the path of the offending value; anything after the instance (junk, a second
/// document) is refused.
pub fn parse_instance(text: &str) -> Result<Instance, InputError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let instance = parse_with_path(deserializer)?;
    deserializer.end().map_err(|error| {
        InputError::new(
            "(file)",
            format!(
                "unexpected data after the instance at line {}, column {}",
                error.line(),
                error.column()
            ),
        )
    })?;
    Ok(instance)
}

fn parse_with_path(
    deserializer: &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
) -> Result<Instance, InputError> {
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let path = if path == "." {
            String::from("(file)")
        } else {
            path
        };
        InputError::new(path, inner.to_string())
    })
}

/// A family as the model uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyData {
    pub id: String,
    pub status: FamilyStatus,
    pub review_due: Option<NaiveDate>,
    pub places: u32,
    pub occupied: u32,
    pub age_min: u32,
    pub age_max: u32,
    pub sex: SexPreference,
    pub care_types: Vec<CareType>,
    pub needs: Vec<Need>,
    pub languages: Vec<Language>,
    pub lat: f64,
    pub lon: f64,
}

impl FamilyData {
    pub fn free_places(&self) -> u32 {
        self.places.saturating_sub(self.occupied)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChildData {
    pub id: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub group: Option<String>,
    pub may_split: bool,
    pub urgency: Urgency,
    pub care_type: CareType,
    pub needs: Vec<Need>,
    pub languages: Vec<Language>,
    pub lat: f64,
    pub lon: f64,
    pub max_distance_km: Option<f64>,
    pub referral_date: Option<NaiveDate>,
}

/// A validated instance: dates parsed, ids resolved to positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub planning_date: NaiveDate,
    pub settings: Settings,
    pub families: Vec<FamilyData>,
    pub children: Vec<ChildData>,
    /// (child, family) positions.
    pub locked: Vec<(usize, usize)>,
    pub excluded: HashSet<(usize, usize)>,
}

fn date(value: &str, path: String) -> Result<NaiveDate, InputError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| InputError::new(path, format!("{value:?} is not a date (YYYY-MM-DD)")))
}

fn coordinates(lat: f64, lon: f64, path: &str) -> Result<(), InputError> {
    if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        return Err(InputError::new(
            format!("{path}.lat"),
            format!("{lat} is not a latitude (−90 to 90)"),
        ));
    }
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        return Err(InputError::new(
            format!("{path}.lon"),
            format!("{lon} is not a longitude (−180 to 180)"),
        ));
    }
    Ok(())
}

/// The largest weight accepted: far above any sensible setting (the defaults are 1,000 per
/// placement and 1 per km), and small enough that the solver's arithmetic stays exact.
pub const MAX_WEIGHT: f64 = 100_000.0;
/// The longest distance limit accepted (half the Earth's circumference).
pub const MAX_DISTANCE_KM: f64 = 20_000.0;
/// The most sibling groups one family may be given.
pub const MAX_GROUPS_PER_FAMILY: u32 = 20;
/// The most places one family may have.
pub const MAX_PLACES: u32 = 100;
/// The highest age a family's range may name.
pub const MAX_AGE: u32 = 25;

fn at_most<T: PartialOrd + std::fmt::Display>(
    value: T,
    max: T,
    path: &str,
) -> Result<(), InputError> {
    if value <= max {
        Ok(())
    } else {
        Err(InputError::new(
            path,
            format!("{value} is above the most allowed, {max}"),
        ))
    }
}

fn non_negative(value: f64, path: &str) -> Result<(), InputError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(InputError::new(
            path,
            format!("{value} must be a number ≥ 0"),
        ))
    }
}

impl Instance {
    /// The error with the record it is about named by its id ("child C-0004: children[3]…"),
    /// for instances made from a registry, whose paths mean little to the person who keeps it.
    pub fn naming_record(&self, error: &InputError) -> String {
        let index = |prefix: &str| -> Option<usize> {
            let rest = error.path.strip_prefix(prefix)?;
            rest[..rest.find(']')?].parse().ok()
        };
        let record = if let Some(i) = index("children[") {
            self.children.get(i).map(|c| format!("child {}", c.id))
        } else if let Some(i) = index("families[") {
            self.families.get(i).map(|f| format!("family {}", f.id))
        } else {
            None
        };
        match record {
            Some(record) => format!("{record}: {error}"),
            None => error.to_string(),
        }
    }

    /// Checks the instance and resolves it into a [`Problem`]; the first problem found is
    /// returned with its path.
    pub fn validate(&self) -> Result<Problem, InputError> {
        let planning_date = date(&self.planning_date, String::from("planning_date"))?;
        let settings = self.settings;
        non_negative(settings.max_distance_km, "settings.max_distance_km")?;
        at_most(
            settings.max_distance_km,
            MAX_DISTANCE_KM,
            "settings.max_distance_km",
        )?;
        if settings.max_groups_per_family == 0 {
            return Err(InputError::new(
                "settings.max_groups_per_family",
                "must be at least 1",
            ));
        }
        at_most(
            settings.max_groups_per_family,
            MAX_GROUPS_PER_FAMILY,
            "settings.max_groups_per_family",
        )?;
        let w = settings.weights;
        for (name, value) in [
            ("place", w.place),
            ("km", w.km),
            ("language", w.language),
            ("split", w.split),
        ] {
            let path = format!("settings.weights.{name}");
            non_negative(value, &path)?;
            at_most(value, MAX_WEIGHT, &path)?;
        }

        let mut family_index: HashMap<&str, usize> = HashMap::new();
        let mut families = Vec::with_capacity(self.families.len());
        for (i, f) in self.families.iter().enumerate() {
            let path = format!("families[{i}]");
            if f.id.trim().is_empty() {
                return Err(InputError::new(format!("{path}.id"), "is empty"));
            }
            if family_index.insert(f.id.as_str(), i).is_some() {
                return Err(InputError::new(
                    format!("{path}.id"),
                    format!("{:?} is used by another family", f.id),
                ));
            }
            let review_due = f
                .review_due
                .as_deref()
                .map(|d| date(d, format!("{path}.review_due")))
                .transpose()?;
            if f.occupied > f.places {
                return Err(InputError::new(
                    format!("{path}.occupied"),
                    format!(
                        "{} occupied places exceed the family's {} places",
                        f.occupied, f.places
                    ),
                ));
            }
            at_most(f.places, MAX_PLACES, &format!("{path}.places"))?;
            at_most(f.age_max, MAX_AGE, &format!("{path}.age_max"))?;
            if f.age_min > f.age_max {
                return Err(InputError::new(
                    format!("{path}.age_min"),
                    format!(
                        "age_min {} is greater than age_max {}",
                        f.age_min, f.age_max
                    ),
                ));
            }
            coordinates(f.lat, f.lon, &path)?;
            families.push(FamilyData {
                id: f.id.clone(),
                status: f.status,
                review_due,
                places: f.places,
                occupied: f.occupied,
                age_min: f.age_min,
                age_max: f.age_max,
                sex: f.sex,
                care_types: f.care_types.clone(),
                needs: f.needs.clone(),
                languages: f.languages.clone(),
                lat: f.lat,
                lon: f.lon,
            });
        }

        let mut child_index: HashMap<&str, usize> = HashMap::new();
        let mut children = Vec::with_capacity(self.children.len());
        for (i, c) in self.children.iter().enumerate() {
            let path = format!("children[{i}]");
            if c.id.trim().is_empty() {
                return Err(InputError::new(format!("{path}.id"), "is empty"));
            }
            if child_index.insert(c.id.as_str(), i).is_some() {
                return Err(InputError::new(
                    format!("{path}.id"),
                    format!("{:?} is used by another child", c.id),
                ));
            }
            let birth_date = date(&c.birth_date, format!("{path}.birth_date"))?;
            if birth_date > planning_date {
                return Err(InputError::new(
                    format!("{path}.birth_date"),
                    format!("{:?} is after the planning date", c.birth_date),
                ));
            }
            let referral_date = c
                .referral_date
                .as_deref()
                .map(|d| date(d, format!("{path}.referral_date")))
                .transpose()?;
            coordinates(c.lat, c.lon, &path)?;
            if let Some(limit) = c.max_distance_km {
                non_negative(limit, &format!("{path}.max_distance_km"))?;
                at_most(limit, MAX_DISTANCE_KM, &format!("{path}.max_distance_km"))?;
            }
            if c.group.as_deref().is_some_and(|g| g.trim().is_empty()) {
                return Err(InputError::new(
                    format!("{path}.group"),
                    "is empty; use null for a child without a group",
                ));
            }
            children.push(ChildData {
                id: c.id.clone(),
                birth_date,
                sex: c.sex,
                group: c.group.clone(),
                may_split: c.may_split,
                urgency: c.urgency,
                care_type: c.care_type,
                needs: c.needs.clone(),
                languages: c.languages.clone(),
                lat: c.lat,
                lon: c.lon,
                max_distance_km: c.max_distance_km,
                referral_date,
            });
        }

        // The children of a group agree on whether it may be split.
        let mut first_of_group: HashMap<&str, usize> = HashMap::new();
        for (i, c) in self.children.iter().enumerate() {
            let Some(group) = c.group.as_deref() else {
                continue;
            };
            let first = *first_of_group.entry(group).or_insert(i);
            let other = &self.children[first];
            if other.may_split != c.may_split {
                return Err(InputError::new(
                    format!("children[{i}].may_split"),
                    format!(
                        "{} says {} but {} of the same group {group:?} says {}: the children of a group must agree (true: the group may be split)",
                        c.id, c.may_split, other.id, other.may_split
                    ),
                ));
            }
        }

        let resolve = |pair: &PairInput, path: &str| -> Result<(usize, usize), InputError> {
            let child = *child_index.get(pair.child.as_str()).ok_or_else(|| {
                InputError::new(
                    format!("{path}.child"),
                    format!("{:?} is not a child of this instance", pair.child),
                )
            })?;
            let family = *family_index.get(pair.family.as_str()).ok_or_else(|| {
                InputError::new(
                    format!("{path}.family"),
                    format!("{:?} is not a family of this instance", pair.family),
                )
            })?;
            Ok((child, family))
        };
        let mut excluded = HashSet::new();
        for (i, pair) in self.excluded.iter().enumerate() {
            excluded.insert(resolve(pair, &format!("excluded[{i}]"))?);
        }
        let mut locked = Vec::new();
        let mut locked_child: HashMap<usize, usize> = HashMap::new();
        for (i, pair) in self.locked.iter().enumerate() {
            let path = format!("locked[{i}]");
            let (child, family) = resolve(pair, &path)?;
            if let Some(&other) = locked_child.get(&child) {
                if other == family {
                    continue;
                }
                return Err(InputError::new(
                    format!("{path}.family"),
                    format!(
                        "{:?} is already locked to {:?}",
                        pair.child, families[other].id
                    ),
                ));
            }
            if excluded.contains(&(child, family)) {
                return Err(InputError::new(
                    path,
                    format!(
                        "{:?} with {:?} is both locked and excluded",
                        pair.child, pair.family
                    ),
                ));
            }
            locked_child.insert(child, family);
            locked.push((child, family));
        }
        Ok(Problem {
            planning_date,
            settings,
            families,
            children,
            locked,
            excluded,
        })
    }
}
