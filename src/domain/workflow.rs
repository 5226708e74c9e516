//! The placement workflow's records: panel sessions and their agendas, decisions, placements,
//! locked and excluded pairs, the reasons a step can be refused, and the rules that move a
//! child from `awaiting` to `proposed` to `placed` and back. `store::workflow` enforces these
//! rules inside the transaction that writes the change; the window asks them first.

use chrono::NaiveDate;

use super::codes::{ChildStatus, Decision, EndReason};
use super::model::Child;
use super::text::normalize;
use super::validation::ValidationErrors;

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

/// What a new session records. Its quorum is not typed in: it follows from the people
/// present ([`has_quorum`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionInput {
    pub date: Option<NaiveDate>,
    pub chair: String,
    pub members: Vec<String>,
}

/// People present for a panel to decide: the chair and at least two members.
pub const PANEL_QUORUM: usize = 3;

/// How many distinct people are present: the chair and the members (a name listed twice, or
/// the chair listed among the members, counts once; letter case and spacing do not matter).
pub fn people_present(chair: &str, members: &[String]) -> usize {
    let mut names: Vec<String> = std::iter::once(chair)
        .chain(members.iter().map(String::as_str))
        .map(|name| {
            super::text::fold_for_search(&normalize(name))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|name| !name.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

/// Whether the people present make the panel's quorum.
pub fn has_quorum(chair: &str, members: &[String]) -> bool {
    people_present(chair, members) >= PANEL_QUORUM
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
    /// The matching explanation at proposal time (`None`: proposed without one, or kept by an
    /// older Yuva in a form that no longer reads).
    pub explanation: Option<super::advice::Explanation>,
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
}

// Worded by `crate::i18n` (`Refusal::message`, and Display in English).

/// What an audit entry says, as a locale key (`audit_text.*`) and its values: the store writes
/// it in English as the summary and keeps it, so that the window words it in the user's
/// language (`crate::i18n::audit_text`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditText {
    pub key: String,
    pub args: Vec<(String, String)>,
}

impl AuditText {
    pub fn new(key: &str, args: Vec<(&str, String)>) -> Self {
        AuditText {
            key: format!("audit_text.{key}"),
            args: args
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The workflow's rules, as pure functions: the window asks them before a button is pressed,
// and the store enforces them inside the transaction that writes the step.

/// A new panel session needs its date and its chair.
pub fn validate_session(input: &SessionInput) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if input.date.is_none() {
        errors.push("date", "error.required");
    }
    if normalize(&input.chair).is_empty() {
        errors.push("chair", "error.required");
    }
    if input.members.iter().all(|m| normalize(m).is_empty()) {
        errors.push("members", "error.required");
    }
    errors
}

/// The fields a decision needs: conditions for an approval with conditions, reasons for a
/// rejection or a deferral, a start date for an approval.
pub fn validate_decision(input: &DecisionInput) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if input.decision == Decision::ApproveWithConditions && normalize(&input.conditions).is_empty()
    {
        errors.push("conditions", "error.required");
    }
    if matches!(input.decision, Decision::Reject | Decision::Defer)
        && normalize(&input.reasons).is_empty()
    {
        errors.push("reasons", "error.required");
    }
    if input.decision.approves() && input.start_date.is_none() {
        errors.push("start_date", "error.required");
    }
    errors
}

/// Whether the panel may record `decision` on `item` now: the item is undecided, the session
/// has its quorum (a deferral needs none), and the child is still proposed.
pub fn may_decide(
    item: &AgendaItem,
    session: &PanelSession,
    child: &Child,
    decision: Decision,
) -> Result<(), Refusal> {
    if let Some(done) = item.decision() {
        return Err(Refusal::new(
            "refusal.already_decided",
            vec![(
                "decision",
                done.decision
                    .map(Decision::code)
                    .unwrap_or_default()
                    .to_owned(),
            )],
        ));
    }
    if !session.quorum && decision != Decision::Defer {
        return Err(Refusal::new("refusal.no_quorum", Vec::new()));
    }
    if child.status != ChildStatus::Proposed {
        return Err(Refusal::new(
            "refusal.child_not_proposed",
            vec![
                ("child", child.code.clone()),
                ("status", child.status.code().to_owned()),
            ],
        ));
    }
    Ok(())
}

/// Whether a child may be put on an agenda with a family: the child awaits placement and the
/// pair is not excluded.
pub fn may_propose(child: &Child, family_code: &str, pair_excluded: bool) -> Result<(), Refusal> {
    if child.status != ChildStatus::Awaiting {
        return Err(Refusal::new(
            "refusal.child_not_awaiting",
            vec![
                ("child", child.code.clone()),
                ("status", child.status.code().to_owned()),
            ],
        ));
    }
    if pair_excluded {
        return Err(Refusal::new(
            "refusal.pair_excluded",
            vec![
                ("child", child.code.clone()),
                ("family", family_code.to_owned()),
            ],
        ));
    }
    Ok(())
}

/// A correction note needs text and an item that has a decision to correct.
pub fn may_correct(item: &AgendaItem, text: &str) -> Result<(), WorkflowError> {
    if normalize(text).is_empty() {
        let mut errors = ValidationErrors::new();
        errors.push("correction", "error.required");
        return Err(WorkflowError::Invalid(errors));
    }
    if item.decision().is_none() {
        return Err(WorkflowError::Refused(Refusal::new(
            "refusal.nothing_to_correct",
            Vec::new(),
        )));
    }
    Ok(())
}

/// Ending a placement needs a date (not before its start, not in the future) and a reason,
/// and a placement still active.
pub fn may_end_placement(
    placement: &PlacementRecord,
    end_date: Option<NaiveDate>,
    reason: Option<EndReason>,
    today: NaiveDate,
) -> Result<(), WorkflowError> {
    let mut errors = ValidationErrors::new();
    match end_date {
        None => errors.push("end_date", "error.required"),
        Some(end) if end < placement.start_date => {
            errors.push("end_date", "error.end_before_start")
        }
        Some(end) if end > today => errors.push("end_date", "error.date_in_future"),
        Some(_) => {}
    }
    if reason.is_none() {
        errors.push("end_reason", "error.required");
    }
    errors.into_result().map_err(WorkflowError::Invalid)?;
    if !placement.is_active() {
        return Err(WorkflowError::Refused(Refusal::new(
            "refusal.placement_ended",
            Vec::new(),
        )));
    }
    Ok(())
}

/// An exclusion needs a written reason (a lock may have none).
pub fn validate_pair_rule(kind: PairRuleKind, reason: &str) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    if kind == PairRuleKind::Exclude && normalize(reason).is_empty() {
        errors.push("reason", "error.required");
    }
    errors
}

/// Why a workflow step cannot be taken: a field to fix, or a refusal of the step itself.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkflowError {
    Invalid(ValidationErrors),
    Refused(Refusal),
}

/// A sibling group that must stay together goes to a panel as a unit: every member still
/// awaiting placement is in the same batch, proposed to the same family. `members` are the
/// group's children awaiting placement (codes); `proposed` the (child code, family code) pairs
/// of the batch that belong to the group.
pub fn may_propose_group(
    group_code: &str,
    members: &[String],
    proposed: &[(String, String)],
) -> Result<(), Refusal> {
    let missing: Vec<&str> = members
        .iter()
        .filter(|m| !proposed.iter().any(|(c, _)| c == *m))
        .map(String::as_str)
        .collect();
    let mut families: Vec<&str> = proposed.iter().map(|(_, f)| f.as_str()).collect();
    families.sort_unstable();
    families.dedup();
    if !missing.is_empty() || families.len() > 1 {
        return Err(Refusal::new(
            "refusal.group_not_whole",
            vec![
                ("group", group_code.to_owned()),
                ("children", members.join(", ")),
            ],
        ));
    }
    Ok(())
}
