//! The optimizer's advice as typed values: why a proposal is what it is (rule by rule, with the
//! values compared), why a child is left unplaced, and the change that would place them. The
//! matching engine makes them; the store keeps them with agenda items as versioned JSON of these
//! types; the panel, the packs and the workflow checks read them back typed. Only `i18n`, `ui`
//! and `report` turn them into words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codes::{CareType, Language, Need, Sex, SexPreference};
use super::compatibility::{Ineligibility, Rule};

/// One rule's outcome for a pair, with the values it compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleOutcome {
    pub passed: bool,
    #[serde(flatten)]
    pub values: RuleValues,
}

/// The values a rule compared, the child's side first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RuleValues {
    /// The child's age on the planning date and the family's approved age range.
    Age {
        child_age: u32,
        age_min: u32,
        age_max: u32,
    },
    CareType {
        child: CareType,
        family: Vec<CareType>,
    },
    Needs {
        child: Vec<Need>,
        family: Vec<Need>,
    },
    Sex {
        child: Sex,
        family: SexPreference,
    },
    Distance {
        distance_km: f64,
        limit_km: f64,
    },
    /// `child` is the child's code; `excluded` whether the pair is excluded.
    Excluded {
        child: String,
        excluded: bool,
    },
}

impl RuleOutcome {
    pub fn rule(&self) -> Rule {
        match self.values {
            RuleValues::Age { .. } => Rule::Age,
            RuleValues::CareType { .. } => Rule::CareType,
            RuleValues::Needs { .. } => Rule::Needs,
            RuleValues::Sex { .. } => Rule::Sex,
            RuleValues::Distance { .. } => Rule::Distance,
            RuleValues::Excluded { .. } => Rule::Excluded,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageFit {
    /// True when the family speaks at least one of the child's languages.
    pub fits: bool,
    pub child: Vec<Language>,
    pub family: Vec<Language>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Siblings {
    pub group: String,
    pub must_stay_together: bool,
    /// Siblings placed in the same family.
    pub placed_with: Vec<String>,
    /// Siblings placed in other families (child, family).
    pub placed_elsewhere: Vec<(String, String)>,
    pub unplaced: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotChosen {
    /// The family was used for matches worth more in total.
    Full { taken_by: Vec<String> },
    /// The family already takes `max_groups_per_family` groups.
    GroupLimit { taken_by: Vec<String> },
    /// The family was free, but this placement is worth as much or more.
    LowerValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub family: String,
    pub distance_km: f64,
    /// The value the child (or the whole sibling group) would have had there.
    pub value: f64,
    #[serde(flatten)]
    pub why_not: NotChosen,
}

/// Why a proposal is what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub rules: Vec<RuleOutcome>,
    pub distance_km: f64,
    /// The distance limit the proposal was made under (a decision re-checks the pair with it).
    pub limit_km: f64,
    pub language: LanguageFit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siblings: Option<Siblings>,
    /// This placement's value in the objective (the child's own term).
    pub value: f64,
    pub alternatives: Vec<Alternative>,
    pub alternatives_total: usize,
}

impl Explanation {
    /// The outcome of one rule, if the explanation has it.
    pub fn outcome(&self, rule: Rule) -> Option<&RuleOutcome> {
        self.rules.iter().find(|o| o.rule() == rule)
    }
}

/// Which limit kept a family from taking an unplaced child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyLimit {
    /// No free place left for the child (or the whole group).
    Full,
    /// The family already takes `max_groups_per_family` groups.
    GroupLimit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TakenFamily {
    pub family: String,
    pub taken_by: Vec<String>,
    pub limit: FamilyLimit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnplacedReason {
    /// No family can take the child: how many families each rule removed (a family may fail
    /// several), and how many could not take anyone on the planning date.
    NoCompatibleFamily {
        eligible_families: usize,
        removed_by: BTreeMap<Rule, usize>,
        ineligible: BTreeMap<Ineligibility, usize>,
    },
    /// Families could take the child, but not the whole sibling group that must stay together.
    GroupDoesNotFit {
        group: String,
        size: usize,
        families: Vec<String>,
    },
    /// Every family that could take the child (or the group) was used by matches worth more.
    TakenByHigherValuedMatches { families: Vec<TakenFamily> },
}

/// The one change to a family's terms (or the child's limit) that a hint proposes: the value it
/// asks for first, then the value it changes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Raise the child's (and its group's) distance limit.
    Distance {
        limit_km: f64,
        current_km: f64,
        /// The limit is the child's own (set on the child's record), not the run's setting.
        #[serde(default)]
        childs_own: bool,
    },
    /// Widen the family's approved age range.
    Age {
        age_min: u32,
        age_max: u32,
        current_min: u32,
        current_max: u32,
    },
    /// Let the family take a child of either sex.
    Sex { current: SexPreference },
    /// Approve the family for the child's care type.
    CareType { care_type: CareType },
    /// Approve the family for these needs.
    Needs { needs: Vec<Need> },
    /// Lift the pair's exclusion.
    Excluded,
    /// Give the family this many free places.
    Places {
        free_places: u32,
        free_places_now: u32,
    },
}

impl Change {
    /// The change's code in plan files: `distance`, `age`, `sex`, `care_type`, `needs`,
    /// `excluded` or `places`.
    pub fn code(&self) -> &'static str {
        match self {
            Change::Distance { .. } => "distance",
            Change::Age { .. } => "age",
            Change::Sex { .. } => "sex",
            Change::CareType { .. } => "care_type",
            Change::Needs { .. } => "needs",
            Change::Excluded => "excluded",
            Change::Places { .. } => "places",
        }
    }
}

/// The smallest single change that would make an unplaced child placeable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relaxation {
    pub family: String,
    #[serde(flatten)]
    pub change: Change,
    /// A sentence in English for readers of the plan file, e.g. "placeable with F-012 if the
    /// distance limit were 140 km" (the window and the packs word it from `change`).
    pub description: String,
}

/// Whether the change that would place an unplaced child was checked by solving again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HintCheck {
    /// The stated change, applied alone, places the child when the instance is solved again.
    Verified,
    /// No single change that was tried places the child (see `give_way`).
    NoSingleChange,
    /// Not checked (the greedy baseline's plan, or the time limit came first): no hint.
    #[default]
    NotChecked,
}

/// A child placed elsewhere (or not at all) when another child's match takes its place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Displaced {
    pub child: String,
    /// The child's family in the plan.
    pub was: String,
    /// Its family if the pair is locked, `None`: left unplaced.
    pub now: Option<String>,
}

/// What placing the child with `family` would cost: the children whose matches give way
/// (found by solving again with the pair locked), and the change in the plan's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GiveWay {
    pub family: String,
    pub displaced: Vec<Displaced>,
    pub value_change: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unplaced {
    pub child: String,
    pub reasons: Vec<UnplacedReason>,
    /// The smallest single change found that places the child — stated only when verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<Relaxation>,
    #[serde(default)]
    pub hint_check: HintCheck,
    /// Where no single change does it: the matches that would give way for the child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub give_way: Option<GiveWay>,
}
