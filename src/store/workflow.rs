//! The placement workflow on the registry: locked and excluded pairs, panel sessions and their
//! agendas, decisions, placements and their ends. Every step is one transaction that checks
//! the registry's current state first and writes its audit entry with the change; a step the
//! state does not allow is refused with the reason and writes nothing.

use crate::domain::access::Action;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::children::load_child;
use super::codec::{
    decode_code, decode_date, decode_explanation, encode_explanation, legacy_limit_km,
    required_date,
};
use super::families::{load_family, places_taken};
use super::{AuditEntry, AuditText, Result, Store, StoreError, Writer, audit, now};
use crate::domain::advice::Explanation;
use crate::domain::compatibility;
use crate::domain::*;

/// A proposal sent from the matching screen to a panel session.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub child_id: i64,
    pub family_id: i64,
    pub distance_km: f64,
    pub value: f64,
    pub planning_date: NaiveDate,
    /// The matching explanation, kept with the agenda item as the panel saw it.
    pub explanation: Option<Explanation>,
}

/// A panel decision (or correction, `decision` `None`) as an export lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    pub session_date: NaiveDate,
    pub child_code: String,
    pub family_code: String,
    pub decision: Option<Decision>,
    pub conditions: String,
    pub reasons: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// What the audit trail screen shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditFilter {
    /// Folded into a case-insensitive match on the summary, entity and user — and, with
    /// `lang`, on the entry's words as that language shows them.
    pub text: String,
    pub lang: Option<crate::i18n::Lang>,
    pub entity: Option<String>,
    pub user: Option<String>,
    pub action: Option<String>,
    pub limit: usize,
}

/// The distance limit a pair is checked under: the one it was proposed with, else the child's
/// own, else the default.
fn limit_km(proposed: Option<f64>, child: &Child) -> f64 {
    proposed
        .or(child.max_distance_km)
        .unwrap_or(compatibility::DEFAULT_DISTANCE_LIMIT_KM)
}

/// The straight-line distance between a child's home and a family's.
fn distance_between(child: &Child, family: &Family) -> f64 {
    crate::geo::haversine_km(
        child.location.lat,
        child.location.lon,
        family.location.lat,
        family.location.lon,
    )
}

fn refused(key: &'static str, args: Vec<(&'static str, String)>) -> StoreError {
    StoreError::Refused(Refusal::new(key, args))
}

fn code_of(conn: &Connection, table: &str, id: i64) -> Result<String> {
    conn.query_row(
        &format!("SELECT code FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::NotFound {
        entity: if table == "children" {
            "child"
        } else {
            "family"
        },
        id,
    })
}

fn session_from_row(row: &Row<'_>) -> Result<PanelSession> {
    let id: i64 = row.get(0)?;
    let members: String = row.get(3)?;
    Ok(PanelSession {
        id,
        date: required_date(row.get(1)?, "panel session", id)?,
        chair: row.get(2)?,
        members: serde_json::from_str(&members).map_err(|e| StoreError::Corrupt {
            entity: "panel session",
            id,
            message: format!("members {members:?}: {e}"),
        })?,
        quorum: row.get(4)?,
        created_by: row.get(5)?,
    })
}

const SESSION_COLUMNS: &str = "id, session_date, chair, members, quorum, created_by";
const ITEM_COLUMNS: &str = "id, session_id, position, child_id, family_id, distance_km, value,
    planning_date, explanation, carried_from";
const DECISION_COLUMNS: &str = "id, item_id, decision, conditions, reasons, exclude_pair,
    start_date, recorded_by, recorded_at";
const PLACEMENT_COLUMNS: &str =
    "id, child_id, family_id, start_date, end_date, end_reason, end_note, decision_id";

fn item_from_row(row: &Row<'_>) -> Result<AgendaItem> {
    let id: i64 = row.get(0)?;
    Ok(AgendaItem {
        id,
        session_id: row.get(1)?,
        position: row.get(2)?,
        child_id: row.get(3)?,
        family_id: row.get(4)?,
        distance_km: row.get(5)?,
        value: row.get(6)?,
        planning_date: required_date(row.get(7)?, "panel item", id)?,
        explanation: decode_explanation(&row.get::<_, String>(8)?),
        carried_from: row.get(9)?,
        decisions: Vec::new(),
    })
}

fn decision_from_row(row: &Row<'_>) -> Result<DecisionRecord> {
    let id: i64 = row.get(0)?;
    let decision: Option<String> = row.get(2)?;
    Ok(DecisionRecord {
        id,
        item_id: row.get(1)?,
        decision: decision
            .map(|code| decode_code(&code, Decision::from_code, "panel decision", id))
            .transpose()?,
        conditions: row.get(3)?,
        reasons: row.get(4)?,
        exclude_pair: row.get(5)?,
        start_date: decode_date(row.get(6)?, "panel decision", id)?,
        recorded_by: row.get(7)?,
        recorded_at: row.get(8)?,
    })
}

fn placement_from_row(row: &Row<'_>) -> Result<PlacementRecord> {
    let id: i64 = row.get(0)?;
    let reason: Option<String> = row.get(5)?;
    Ok(PlacementRecord {
        id,
        child_id: row.get(1)?,
        family_id: row.get(2)?,
        start_date: required_date(row.get(3)?, "placement", id)?,
        end_date: decode_date(row.get(4)?, "placement", id)?,
        end_reason: reason
            .map(|code| decode_code(&code, EndReason::from_code, "placement", id))
            .transpose()?,
        end_note: row.get(6)?,
        decision_id: row.get(7)?,
    })
}

fn collect<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl Fn(&Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// Agenda items with their decisions.
fn items_where(conn: &Connection, condition: &str, id: i64) -> Result<Vec<AgendaItem>> {
    let mut items = collect(
        conn,
        &format!("SELECT {ITEM_COLUMNS} FROM panel_items WHERE {condition} ORDER BY position, id"),
        [id],
        item_from_row,
    )?;
    for item in &mut items {
        item.decisions = collect(
            conn,
            &format!(
                "SELECT {DECISION_COLUMNS} FROM panel_decisions WHERE item_id = ?1 ORDER BY id"
            ),
            [item.id],
            decision_from_row,
        )?;
    }
    Ok(items)
}

fn load_item(conn: &Connection, id: i64) -> Result<AgendaItem> {
    items_where(conn, "id = ?1", id)?
        .pop()
        .ok_or(StoreError::NotFound {
            entity: "panel item",
            id,
        })
}

fn load_session(conn: &Connection, id: i64) -> Result<PanelSession> {
    conn.query_row(
        &format!("SELECT {SESSION_COLUMNS} FROM panel_sessions WHERE id = ?1"),
        [id],
        |row| Ok(session_from_row(row)),
    )
    .optional()?
    .ok_or(StoreError::NotFound {
        entity: "panel session",
        id,
    })?
}

fn pair_rule_in_force(
    conn: &Connection,
    kind: PairRuleKind,
    child_id: i64,
    family_id: i64,
) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM pair_rules WHERE kind = ?1 AND child_id = ?2 AND family_id = ?3
             AND lifted_at IS NULL",
            params![kind.code(), child_id, family_id],
            |r| r.get(0),
        )
        .optional()?)
}

impl Store {
    /// Panel sessions, the newest first.
    pub fn panel_sessions(&self) -> Result<Vec<PanelSession>> {
        collect(
            &self.conn,
            &format!(
                "SELECT {SESSION_COLUMNS} FROM panel_sessions ORDER BY session_date DESC, id DESC"
            ),
            [],
            session_from_row,
        )
    }

    pub fn panel_session(&self, id: i64) -> Result<PanelSession> {
        load_session(&self.conn, id)
    }

    /// A session's agenda in order, each item with its decisions.
    pub fn agenda(&self, session_id: i64) -> Result<Vec<AgendaItem>> {
        items_where(&self.conn, "session_id = ?1", session_id)
    }

    /// Every agenda item a child has been on, oldest first.
    pub fn agenda_items_of_child(&self, child_id: i64) -> Result<Vec<AgendaItem>> {
        items_where(&self.conn, "child_id = ?1", child_id)
    }

    /// Every placement, active and ended, the newest start first.
    pub fn placements(&self) -> Result<Vec<PlacementRecord>> {
        collect(
            &self.conn,
            &format!(
                "SELECT {PLACEMENT_COLUMNS} FROM placements ORDER BY start_date DESC, id DESC"
            ),
            [],
            placement_from_row,
        )
    }

    /// Locked and excluded pairs in force.
    pub fn pair_rules(&self) -> Result<Vec<PairRule>> {
        collect(
            &self.conn,
            "SELECT id, kind, child_id, family_id, reason, created_by, created_at
             FROM pair_rules WHERE lifted_at IS NULL ORDER BY id",
            [],
            |r| {
                let id: i64 = r.get(0)?;
                let kind: String = r.get(1)?;
                Ok(PairRule {
                    id,
                    kind: if kind == "lock" {
                        PairRuleKind::Lock
                    } else {
                        PairRuleKind::Exclude
                    },
                    child_id: r.get(2)?,
                    family_id: r.get(3)?,
                    reason: r.get(4)?,
                    created_by: r.get(5)?,
                    created_at: r.get(6)?,
                })
            },
        )
    }

    /// Every panel decision and correction with its session and pair, oldest first (for
    /// exports).
    pub fn decision_rows(&self) -> Result<Vec<DecisionRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.session_date, c.code, f.code, d.decision, d.conditions, d.reasons,
                    d.recorded_by, d.recorded_at
             FROM panel_decisions d
             JOIN panel_items i ON i.id = d.item_id
             JOIN panel_sessions s ON s.id = i.session_id
             JOIN children c ON c.id = i.child_id
             JOIN families f ON f.id = i.family_id
             ORDER BY d.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (date, child_code, family_code, decision, conditions, reasons, by, at) = row?;
            out.push(DecisionRow {
                session_date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|e| {
                    StoreError::Corrupt {
                        entity: "panel session",
                        id: 0,
                        message: e.to_string(),
                    }
                })?,
                child_code,
                family_code,
                decision: decision.as_deref().and_then(Decision::from_code),
                conditions,
                reasons,
                recorded_by: by,
                recorded_at: at,
            });
        }
        Ok(out)
    }

    /// The audit log, newest first, filtered.
    pub fn audit_query(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let needle = crate::domain::text::fold_for_search(&filter.text);
        let mut stmt = self.conn.prepare(
            "SELECT id, at, user_name, action, entity, entity_id, summary, details FROM audit_log
             WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR user_name = ?2)
               AND (?3 IS NULL OR action = ?3)
             ORDER BY id DESC",
        )?;
        let mut rows = stmt.query(params![filter.entity, filter.user, filter.action])?;
        let limit = if filter.limit == 0 {
            usize::MAX
        } else {
            filter.limit
        };
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let entry = super::audit_entry_from_row(r)?;
            let mut haystack = format!(
                "{} {} {} {}",
                entry.summary, entry.entity, entry.user_name, entry.at
            );
            if let Some(lang) = filter.lang.filter(|_| !needle.is_empty()) {
                for (prefix, code) in [
                    ("audit.action", &entry.action),
                    ("audit.entity", &entry.entity),
                ] {
                    let key = format!("{prefix}.{code}");
                    if crate::i18n::has_key(lang, &key) {
                        haystack.push(' ');
                        haystack.push_str(&crate::i18n::tr(lang, &key));
                    }
                }
                if let Some(details) = &entry.details {
                    haystack.push(' ');
                    haystack.push_str(&crate::i18n::audit_text(lang, details));
                }
            }
            let haystack = crate::domain::text::fold_for_search(&haystack);
            if crate::domain::text::matches_query(&haystack, &needle) {
                out.push(entry);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The distinct users, entities and actions of the audit log, for its filters.
    pub fn audit_facets(&self) -> Result<(Vec<String>, Vec<String>, Vec<String>)> {
        let distinct = |column: &str| -> Result<Vec<String>> {
            collect(
                &self.conn,
                &format!("SELECT DISTINCT {column} FROM audit_log ORDER BY {column}"),
                [],
                |r| Ok(r.get(0)?),
            )
        };
        Ok((
            distinct("user_name")?,
            distinct("entity")?,
            distinct("action")?,
        ))
    }

    pub fn create_session(&mut self, input: &SessionInput) -> Result<i64> {
        self.write(|w| w.create_session(input))
    }

    pub fn propose(&mut self, session_id: i64, proposals: &[Proposal]) -> Result<Vec<i64>> {
        self.write(|w| w.propose(session_id, proposals))
    }

    pub fn decide(&mut self, item_id: i64, input: &DecisionInput) -> Result<i64> {
        self.write(|w| w.decide(item_id, input))
    }

    pub fn add_correction(&mut self, item_id: i64, text: &str) -> Result<i64> {
        self.write(|w| w.add_correction(item_id, text))
    }

    pub fn end_placement(
        &mut self,
        placement_id: i64,
        end_date: Option<NaiveDate>,
        reason: Option<EndReason>,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.write(|w| w.end_placement(placement_id, end_date, reason, note, today))
    }

    pub fn add_pair_rule(
        &mut self,
        kind: PairRuleKind,
        child_id: i64,
        family_id: i64,
        reason: &str,
    ) -> Result<i64> {
        self.write(|w| w.add_pair_rule(kind, child_id, family_id, reason))
    }

    pub fn lift_pair_rule(&mut self, rule_id: i64) -> Result<()> {
        self.write(|w| w.lift_pair_rule(rule_id))
    }
}

impl Writer<'_> {
    fn log(&self, action: &str, entity: &str, id: Option<i64>, text: &AuditText) -> Result<()> {
        audit(self.tx, self.user, action, entity, id, text)?;
        Ok(())
    }

    fn set_child_status(&self, child_id: i64, status: ChildStatus) -> Result<()> {
        self.tx.execute(
            "UPDATE children SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![child_id, status.code(), now()],
        )?;
        Ok(())
    }

    /// Creates a session; items deferred at earlier sessions and not yet carried forward go
    /// onto its agenda first.
    pub fn create_session(&mut self, input: &SessionInput) -> Result<i64> {
        self.allow(Action::ManageSessions)?;
        validate_session(input).into_result()?;
        let chair = crate::domain::text::normalize(&input.chair);
        let date = input.date.unwrap_or_default();
        let members: Vec<String> = input
            .members
            .iter()
            .map(|m| crate::domain::text::normalize(m))
            .filter(|m| !m.is_empty())
            .collect();
        let quorum = has_quorum(&chair, &members);
        self.tx.execute(
            "INSERT INTO panel_sessions(session_date, chair, members, quorum, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                date.to_string(),
                chair,
                serde_json::to_string(&members).unwrap_or_else(|_| String::from("[]")),
                quorum,
                now(),
                self.user
            ],
        )?;
        let session_id = self.tx.last_insert_rowid();
        self.log(
            "create",
            "panel_session",
            Some(session_id),
            &AuditText::new(
                "session_created",
                vec![
                    ("date", date.to_string()),
                    ("chair", chair.clone()),
                    ("members", members.len().to_string()),
                    ("quorum", String::from(if quorum { "yes" } else { "no" })),
                ],
            ),
        )?;
        // Deferred items: the decision in force is "defer" and no later item carries them.
        let deferred: Vec<i64> = collect(
            self.tx,
            "SELECT i.id FROM panel_items i
             WHERE (SELECT d.decision FROM panel_decisions d
                    WHERE d.item_id = i.id AND d.decision IS NOT NULL
                    ORDER BY d.id DESC LIMIT 1) = 'defer'
               AND NOT EXISTS (SELECT 1 FROM panel_items n WHERE n.carried_from = i.id)
             ORDER BY i.session_id, i.position",
            [],
            |r| Ok(r.get(0)?),
        )?;
        for (position, item_id) in (1i64..).zip(deferred) {
            self.tx.execute(
                "INSERT INTO panel_items(session_id, position, child_id, family_id, distance_km,
                    value, planning_date, explanation, carried_from, created_at)
                 SELECT ?1, ?2, child_id, family_id, distance_km, value, planning_date,
                    explanation, id, ?3 FROM panel_items WHERE id = ?4",
                params![session_id, position, now(), item_id],
            )?;
            let new_id = self.tx.last_insert_rowid();
            self.log(
                "carry_forward",
                "panel_item",
                Some(new_id),
                &AuditText::new(
                    "carried_forward",
                    vec![
                        ("item", item_id.to_string()),
                        ("session", session_id.to_string()),
                    ],
                ),
            )?;
        }
        Ok(session_id)
    }

    /// Refuses a batch that sends part of a sibling group that must stay together, or sends
    /// its members to different families.
    fn check_groups_whole(&self, proposals: &[(&Proposal, Child)]) -> Result<()> {
        let mut by_group: std::collections::BTreeMap<i64, Vec<(String, String)>> =
            std::collections::BTreeMap::new();
        for (proposal, child) in proposals {
            if let Some(group) = child.sibling_group_id {
                let family_code = code_of(self.tx, "families", proposal.family_id)?;
                by_group
                    .entry(group)
                    .or_default()
                    .push((child.code.clone(), family_code));
            }
        }
        for (group, proposed) in by_group {
            let (code, may_split): (String, bool) = self.tx.query_row(
                "SELECT code, may_split FROM sibling_groups WHERE id = ?1",
                [group],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if may_split {
                continue;
            }
            let members: Vec<String> = collect(
                self.tx,
                "SELECT code FROM children WHERE sibling_group_id = ?1 AND status = 'awaiting'
                 ORDER BY code",
                [group],
                |r| Ok(r.get(0)?),
            )?;
            may_propose_group(&code, &members, &proposed)?;
        }
        Ok(())
    }

    /// Puts proposals on a session's agenda; each child must be awaiting placement and becomes
    /// `proposed`. The pair must meet the rules on its planning date, and a sibling group that
    /// must stay together goes whole, to one family.
    pub fn propose(&mut self, session_id: i64, proposals: &[Proposal]) -> Result<Vec<i64>> {
        self.allow(Action::ProposePlacements)?;
        load_session(self.tx, session_id)?;
        let mut position: i64 = self.tx.query_row(
            "SELECT coalesce(max(position), 0) FROM panel_items WHERE session_id = ?1",
            [session_id],
            |r| r.get(0),
        )?;
        // Each child is read once, for the group check and its own.
        let proposals = proposals
            .iter()
            .map(|p| Ok((p, load_child(self.tx, p.child_id)?)))
            .collect::<Result<Vec<_>>>()?;
        self.check_groups_whole(&proposals)?;
        let mut ids = Vec::with_capacity(proposals.len());
        for (proposal, child) in proposals {
            let family = load_family(self.tx, proposal.family_id)?;
            let family_code = family.code.clone();
            let excluded = pair_rule_in_force(
                self.tx,
                PairRuleKind::Exclude,
                proposal.child_id,
                proposal.family_id,
            )?
            .is_some();
            may_propose(&child, &family_code, excluded)?;
            // A proposal goes to a panel only if the pair meets the registry's real rules on
            // its planning date (a what-if run relaxed them for looking, not for deciding).
            let limit_km = limit_km(proposal.explanation.as_ref().map(|e| e.limit_km), &child);
            let occupied = places_taken(self.tx, proposal.family_id)?;
            compatibility::recheck_pair(
                &family,
                occupied,
                &child,
                proposal.planning_date,
                distance_between(&child, &family),
                limit_km,
            )?;
            position += 1;
            self.tx.execute(
                "INSERT INTO panel_items(session_id, position, child_id, family_id, distance_km,
                    value, planning_date, explanation, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    session_id,
                    position,
                    proposal.child_id,
                    proposal.family_id,
                    proposal.distance_km,
                    proposal.value,
                    proposal.planning_date.to_string(),
                    encode_explanation(proposal.explanation.as_ref()),
                    now()
                ],
            )?;
            let item_id = self.tx.last_insert_rowid();
            self.set_child_status(proposal.child_id, ChildStatus::Proposed)?;
            self.log(
                "propose",
                "panel_item",
                Some(item_id),
                &AuditText::new(
                    "proposed",
                    vec![
                        ("child", child.code.clone()),
                        ("family", family_code.clone()),
                        ("session", session_id.to_string()),
                        ("km", format!("{:.1}", proposal.distance_km)),
                    ],
                ),
            )?;
            ids.push(item_id);
        }
        Ok(ids)
    }

    /// Records the panel's decision on an agenda item, after checking that the child and the
    /// family are still as they were proposed.
    pub fn decide(&mut self, item_id: i64, input: &DecisionInput) -> Result<i64> {
        self.allow(Action::RecordDecisions)?;
        let item = load_item(self.tx, item_id)?;
        let session = load_session(self.tx, item.session_id)?;
        let conditions = crate::domain::text::normalize(&input.conditions);
        let reasons = crate::domain::text::normalize(&input.reasons);
        let approves = input.decision.approves();
        validate_decision(input).into_result()?;
        let child = load_child(self.tx, item.child_id)?;
        let family = load_family(self.tx, item.family_id)?;
        may_decide(&item, &session, &child, input.decision)?;
        if approves {
            let start = input.start_date.unwrap_or(session.date);
            let occupied = places_taken(self.tx, item.family_id)?;
            let proposed_limit = match &item.explanation {
                Some(explanation) => Some(explanation.limit_km),
                None => legacy_limit_km(&self.tx.query_row(
                    "SELECT explanation FROM panel_items WHERE id = ?1",
                    [item_id],
                    |r| r.get::<_, String>(0),
                )?),
            };
            let limit_km = limit_km(proposed_limit, &child);
            let distance_km = distance_between(&child, &family);
            compatibility::recheck_pair(&family, occupied, &child, start, distance_km, limit_km)?;
        }

        let exclude = input.decision == Decision::Reject && input.exclude_pair;
        self.tx.execute(
            "INSERT INTO panel_decisions(item_id, decision, conditions, reasons, exclude_pair,
                start_date, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                item_id,
                input.decision.code(),
                conditions,
                reasons,
                exclude,
                input.start_date.filter(|_| approves).map(|d| d.to_string()),
                self.user,
                now()
            ],
        )?;
        let decision_id = self.tx.last_insert_rowid();
        let decided = |key: &str, extra: Vec<(&str, String)>| {
            let mut args = vec![
                ("child", child.code.clone()),
                ("family", family.code.clone()),
                ("session", session.id.to_string()),
                ("date", session.date.to_string()),
                ("decision", input.decision.code().to_owned()),
            ];
            args.extend(extra);
            AuditText::new(key, args)
        };
        let text = match input.decision {
            Decision::Approve | Decision::ApproveWithConditions => {
                let start = input.start_date.unwrap_or(session.date);
                let placement_id =
                    self.insert_placement(item.child_id, item.family_id, start, Some(decision_id))?;
                self.log(
                    "create",
                    "placement",
                    Some(placement_id),
                    &AuditText::new(
                        "placement_started",
                        vec![
                            ("child", child.code.clone()),
                            ("family", family.code.clone()),
                            ("start", start.to_string()),
                        ],
                    ),
                )?;
                decided(
                    "decided_approve",
                    vec![("placement", placement_id.to_string())],
                )
            }
            Decision::Reject => {
                self.set_child_status(item.child_id, ChildStatus::Awaiting)?;
                let mut key = "decided_reject";
                if exclude
                    && pair_rule_in_force(
                        self.tx,
                        PairRuleKind::Exclude,
                        item.child_id,
                        item.family_id,
                    )?
                    .is_none()
                {
                    self.add_pair_rule(
                        PairRuleKind::Exclude,
                        item.child_id,
                        item.family_id,
                        &reasons,
                    )?;
                    key = "decided_reject_excluded";
                }
                decided(key, Vec::new())
            }
            Decision::Defer => decided("decided_defer", Vec::new()),
        };
        self.log("decide", "panel_decision", Some(decision_id), &text)?;
        Ok(decision_id)
    }

    /// Adds a correction note to a decided item: the decision itself is never edited.
    pub fn add_correction(&mut self, item_id: i64, text: &str) -> Result<i64> {
        self.allow(Action::RecordDecisions)?;
        let item = load_item(self.tx, item_id)?;
        may_correct(&item, text)?;
        let text = crate::domain::text::normalize(text);
        self.tx.execute(
            "INSERT INTO panel_decisions(item_id, decision, reasons, recorded_by, recorded_at)
             VALUES (?1, NULL, ?2, ?3, ?4)",
            params![item_id, text, self.user, now()],
        )?;
        let id = self.tx.last_insert_rowid();
        self.log(
            "correct",
            "panel_decision",
            Some(id),
            &AuditText::new(
                "correction",
                vec![("item", item_id.to_string()), ("text", text.clone())],
            ),
        )?;
        Ok(id)
    }

    /// Ends an active placement; the child's status follows the reason and the family's place
    /// is free again.
    pub fn end_placement(
        &mut self,
        placement_id: i64,
        end_date: Option<NaiveDate>,
        reason: Option<EndReason>,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.allow(Action::ManagePlacements)?;
        let placement = self
            .tx
            .query_row(
                &format!("SELECT {PLACEMENT_COLUMNS} FROM placements WHERE id = ?1"),
                [placement_id],
                |r| Ok(placement_from_row(r)),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                entity: "placement",
                id: placement_id,
            })??;
        may_end_placement(&placement, end_date, reason, today)?;
        let (Some(end), Some(reason)) = (end_date, reason) else {
            return Ok(());
        };
        let note = crate::domain::text::normalize(note);
        self.tx.execute(
            "UPDATE placements SET end_date = ?2, end_reason = ?3, end_note = ?4 WHERE id = ?1",
            params![placement_id, end.to_string(), reason.code(), note],
        )?;
        let child = load_child(self.tx, placement.child_id)?;
        let family_code = code_of(self.tx, "families", placement.family_id)?;
        let status = reason.child_status_after();
        self.set_child_status(placement.child_id, status)?;
        self.log(
            "end",
            "placement",
            Some(placement_id),
            &AuditText::new(
                "placement_ended",
                vec![
                    ("child", child.code.clone()),
                    ("family", family_code.clone()),
                    ("end", end.to_string()),
                    ("end_reason", reason.code().to_owned()),
                    ("from_status", child.status.code().to_owned()),
                    ("to_status", status.code().to_owned()),
                ],
            ),
        )?;
        // After a breakdown the pair is not proposed again until a person lifts the exclusion
        // (its reason starts with the end reason's code, then the officer's note).
        if reason.excludes_pair()
            && pair_rule_in_force(
                self.tx,
                PairRuleKind::Exclude,
                placement.child_id,
                placement.family_id,
            )?
            .is_none()
        {
            let because = if note.is_empty() {
                format!("{} {end}", reason.code())
            } else {
                format!("{} {end}: {note}", reason.code())
            };
            // A lock on the pair gives way to the exclusion, through the audited lift.
            if let Some(lock) = pair_rule_in_force(
                self.tx,
                PairRuleKind::Lock,
                placement.child_id,
                placement.family_id,
            )? {
                self.lift_pair_rule(lock)?;
            }
            self.add_pair_rule(
                PairRuleKind::Exclude,
                placement.child_id,
                placement.family_id,
                &because,
            )?;
        }
        Ok(())
    }

    /// Records a placement that has already ended, as history (the demo's, or one from before
    /// Yuva): the placement with its end, the child's status as that end leaves it, and the
    /// exclusion a breakdown brings. Audited like other records unless the transaction
    /// records one summary.
    pub fn record_ended_placement(
        &mut self,
        child_id: i64,
        family_id: i64,
        start: NaiveDate,
        end: NaiveDate,
        reason: EndReason,
    ) -> Result<i64> {
        self.allow(Action::ManagePlacements)?;
        if end < start {
            let mut errors = ValidationErrors::new();
            errors.push("end_date", "error.end_before_start");
            return Err(StoreError::Invalid(errors));
        }
        let id = self.insert_placement(child_id, family_id, start, None)?;
        self.tx.execute(
            "UPDATE placements SET end_date = ?2, end_reason = ?3 WHERE id = ?1",
            params![id, end.to_string(), reason.code()],
        )?;
        self.set_child_status(child_id, reason.child_status_after())?;
        if self.audit {
            let child = load_child(self.tx, child_id)?;
            let family_code = code_of(self.tx, "families", family_id)?;
            self.log(
                "create",
                "placement",
                Some(id),
                &AuditText::new(
                    "placement_recorded",
                    vec![
                        ("child", child.code),
                        ("family", family_code),
                        ("start", start.to_string()),
                        ("end", end.to_string()),
                        ("end_reason", reason.code().to_owned()),
                    ],
                ),
            )?;
        }
        if reason.excludes_pair()
            && pair_rule_in_force(self.tx, PairRuleKind::Exclude, child_id, family_id)?.is_none()
        {
            self.add_pair_rule(
                PairRuleKind::Exclude,
                child_id,
                family_id,
                &format!("{} {end}", reason.code()),
            )?;
        }
        Ok(id)
    }

    /// Locks a pair (kept in every run) or excludes it (never proposed; needs a reason).
    pub fn add_pair_rule(
        &mut self,
        kind: PairRuleKind,
        child_id: i64,
        family_id: i64,
        reason: &str,
    ) -> Result<i64> {
        self.allow(Action::ManageExclusions)?;
        validate_pair_rule(kind, reason).into_result()?;
        let reason = crate::domain::text::normalize(reason);
        let child_code = code_of(self.tx, "children", child_id)?;
        let family_code = code_of(self.tx, "families", family_id)?;
        if let Some(existing) = pair_rule_in_force(self.tx, kind, child_id, family_id)? {
            return Ok(existing);
        }
        let opposite = match kind {
            PairRuleKind::Lock => PairRuleKind::Exclude,
            PairRuleKind::Exclude => PairRuleKind::Lock,
        };
        if pair_rule_in_force(self.tx, opposite, child_id, family_id)?.is_some() {
            return Err(refused(
                "refusal.lock_and_exclude",
                vec![("child", child_code), ("family", family_code)],
            ));
        }
        self.tx.execute(
            "INSERT INTO pair_rules(kind, child_id, family_id, reason, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![kind.code(), child_id, family_id, reason, now(), self.user],
        )?;
        let id = self.tx.last_insert_rowid();
        self.log(
            kind.code(),
            "pair_rule",
            Some(id),
            &AuditText::new(
                "pair_rule",
                vec![
                    ("child", child_code),
                    ("family", family_code),
                    ("reason", reason.clone()),
                ],
            ),
        )?;
        Ok(id)
    }

    pub fn lift_pair_rule(&mut self, rule_id: i64) -> Result<()> {
        self.allow(Action::ManageExclusions)?;
        let changed = self.tx.execute(
            "UPDATE pair_rules SET lifted_at = ?2, lifted_by = ?3
             WHERE id = ?1 AND lifted_at IS NULL",
            params![rule_id, now(), self.user],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                entity: "pair rule",
                id: rule_id,
            });
        }
        let (kind, child_id, family_id): (String, i64, i64) = self.tx.query_row(
            "SELECT kind, child_id, family_id FROM pair_rules WHERE id = ?1",
            [rule_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let text = AuditText::new(
            "pair_rule_lifted",
            vec![
                ("kind", kind),
                ("child", code_of(self.tx, "children", child_id)?),
                ("family", code_of(self.tx, "families", family_id)?),
            ],
        );
        self.log("lift", "pair_rule", Some(rule_id), &text)?;
        Ok(())
    }
}
