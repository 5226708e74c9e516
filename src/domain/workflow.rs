//! The placement workflow's records: panel sessions and their agendas, decisions, placements,
//! locked and excluded pairs, and the reasons a step can be refused. The rules that move a
//! child from `awaiting` to `proposed` to `placed` and back live in `store::workflow`, which
//! checks them inside the transaction that writes the change.

use std::fmt;

use chrono::NaiveDate;

use super::codes::{Decision, EndReason};

/// A placement panel meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelSession {
    pub id: i64,
    pub date: NaiveDate,
    pub chair: String,
    /// Members present (the chair included or not, as recorded).
    pub members: Vec<String>,
    pub quorum: bool,
    pub created_by: String,
}

/// What a new session records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionInput {
    pub date: Option<NaiveDate>,
    pub chair: String,
    pub members: Vec<String>,
    pub quorum: bool,
}

/// One proposed match on a session's agenda.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaItem {
    pub id: i64,
    pub session_id: i64,
    pub position: i64,
    pub child_id: i64,
    pub family_id: i64,
    pub distance_km: f64,
    pub value: f64,
    /// The planning date of the run that proposed it.
    pub planning_date: NaiveDate,
    /// The matching explanation at proposal time (JSON, as in a plan file).
    pub explanation: String,
    /// The deferred item of an earlier session this one carries forward.
    pub carried_from: Option<i64>,
    /// Every decision and correction recorded on this item, oldest first.
    pub decisions: Vec<DecisionRecord>,
}

impl AgendaItem {
    /// The decision in force: the latest one that is not a correction note.
    pub fn decision(&self) -> Option<&DecisionRecord> {
        self.decisions.iter().rev().find(|d| d.decision.is_some())
    }

    pub fn is_pending(&self) -> bool {
        self.decision().is_none()
    }
}

/// A decision (or a correction note) as recorded; never edited once written.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRecord {
    pub id: i64,
    pub item_id: i64,
    /// `None` for a correction note added later.
    pub decision: Option<Decision>,
    pub conditions: String,
    pub reasons: String,
    pub exclude_pair: bool,
    pub start_date: Option<NaiveDate>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// What the panel decides on one agenda item.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionInput {
    pub decision: Decision,
    pub conditions: String,
    pub reasons: String,
    /// With `Reject`: never propose this pair again (until the exclusion is lifted).
    pub exclude_pair: bool,
    /// With an approval: when the placement starts.
    pub start_date: Option<NaiveDate>,
}

/// A child in a family, from a start date until it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementRecord {
    pub id: i64,
    pub child_id: i64,
    pub family_id: i64,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub end_note: String,
    /// The panel decision it came from (`None` for placements made before Yuva or by the demo).
    pub decision_id: Option<i64>,
}

impl PlacementRecord {
    pub fn is_active(&self) -> bool {
        self.end_date.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairRuleKind {
    /// Kept in every run of the optimizer.
    Lock,
    /// Never proposed until lifted.
    Exclude,
}

impl PairRuleKind {
    pub fn code(self) -> &'static str {
        match self {
            PairRuleKind::Lock => "lock",
            PairRuleKind::Exclude => "exclude",
        }
    }
}

/// A locked or excluded (child, family) pair in force.
#[derive(Debug, Clone, PartialEq)]
pub struct PairRule {
    pub id: i64,
    pub kind: PairRuleKind,
    pub child_id: i64,
    pub family_id: i64,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
}

/// Why a workflow step was refused: a locale key and the values it mentions, so that the
/// window says it in the user's language and the command line in English.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Refusal {
    pub fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Refusal { key, args }
    }

    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::tr_args(lang, self.key, &self.args)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::i18n::Lang::En))
    }
}
