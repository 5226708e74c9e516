//! Children and sibling groups.

use crate::domain::access::Action;
use rusqlite::{OptionalExtension, Row, params};

use super::codec::*;
use super::{
    CodedTable, Result, Store, StoreError, Writer, audit, check_code_free, id_by_code, now,
};
use crate::domain::validation::{validate_child, validate_group};
use crate::domain::*;

const ENTITY: &str = "child";

const CHILD_COLUMNS: &str = "id, code, first_name, last_name, birth_date, birth_date_estimated,
    sex, legal_status, situation, address, district_code, settlement_code, lat, lon, school,
    languages, needs, needs_description, urgency, care_type, sibling_group_id, wishes,
    contact_arrangements, status, referral_date, max_distance_km, notes";

/// What happens to a child's sibling group when the child is saved.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupChange {
    /// The child has no siblings in care (leaves any group it was in).
    NoGroup,
    /// The child is in this existing group, whose settings may have been edited.
    Existing(SiblingGroup),
    /// A new group is created with the child as its first member.
    New(SiblingGroup),
}

fn child_from_row(row: &Row<'_>) -> Result<Child> {
    let id: i64 = row.get(0)?;
    Ok(Child {
        id: Some(id),
        code: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        birth_date: required_date(row.get(4)?, ENTITY, id)?,
        birth_date_estimated: row.get(5)?,
        sex: decode_code(&row.get::<_, String>(6)?, Sex::from_code, ENTITY, id)?,
        legal_status: decode_code(
            &row.get::<_, String>(7)?,
            LegalStatus::from_code,
            ENTITY,
            id,
        )?,
        situation: decode_code(&row.get::<_, String>(8)?, Situation::from_code, ENTITY, id)?,
        location: Location {
            address: row.get(9)?,
            district_code: row.get(10)?,
            settlement_code: row.get(11)?,
            lat: row.get(12)?,
            lon: row.get(13)?,
        },
        school: row.get(14)?,
        languages: decode_set(&row.get::<_, String>(15)?, ENTITY, id)?,
        needs: decode_set(&row.get::<_, String>(16)?, ENTITY, id)?,
        needs_description: row.get(17)?,
        urgency: decode_code(&row.get::<_, String>(18)?, Urgency::from_code, ENTITY, id)?,
        care_type: decode_code(&row.get::<_, String>(19)?, CareType::from_code, ENTITY, id)?,
        sibling_group_id: row.get(20)?,
        wishes: row.get(21)?,
        contact_arrangements: row.get(22)?,
        status: decode_code(
            &row.get::<_, String>(23)?,
            ChildStatus::from_code,
            ENTITY,
            id,
        )?,
        referral_date: required_date(row.get(24)?, ENTITY, id)?,
        max_distance_km: row.get(25)?,
        notes: row.get(26)?,
    })
}

/// One child, read on any connection (also inside a write).
pub(crate) fn load_child(conn: &rusqlite::Connection, id: i64) -> Result<Child> {
    conn.query_row(
        &format!("SELECT {CHILD_COLUMNS} FROM children WHERE id = ?1"),
        [id],
        |row| Ok(child_from_row(row)),
    )
    .optional()?
    .ok_or(StoreError::NotFound { entity: ENTITY, id })?
}

impl Store {
    pub fn children(&self) -> Result<Vec<Child>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {CHILD_COLUMNS} FROM children"))?;
        let mut rows = stmt.query([])?;
        let mut children = Vec::new();
        while let Some(row) = rows.next()? {
            children.push(child_from_row(row)?);
        }
        Ok(children)
    }

    pub fn child(&self, id: i64) -> Result<Child> {
        load_child(&self.conn, id)
    }

    pub fn child_id_by_code(&self, code: &str) -> Result<Option<i64>> {
        id_by_code(&self.conn, CodedTable::Children, code)
    }

    pub fn sibling_groups(&self) -> Result<Vec<SiblingGroup>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, code, may_split, split_reason FROM sibling_groups ORDER BY code",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SiblingGroup {
                id: Some(r.get(0)?),
                code: r.get(1)?,
                may_split: r.get(2)?,
                split_reason: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Validates and saves a child and its sibling-group change, in one transaction.
    pub fn save_child(
        &mut self,
        child: &Child,
        group: &GroupChange,
        ctx: &Context<'_>,
    ) -> Result<i64> {
        self.write(|w| w.save_child(child, group, ctx))
    }

    /// The prefix of new codes of a kind (`F-`, `C-`, `G-`): in a registry enrolled with the
    /// hub, led by its office (`SM-F-`, `NAT-C-`), so that codes made in two offices never
    /// meet.
    pub fn code_prefix(&self, kind: &str) -> Result<String> {
        Ok(match self.office()? {
            Some(office) if !office.is_empty() => {
                let short = office.strip_prefix("AZ-").unwrap_or(&office);
                format!("{short}-{kind}")
            }
            _ => kind.to_owned(),
        })
    }

    /// The next free reference code of a kind (`F-`, `C-`, `G-`), for new records.
    pub fn next_code(&self, kind: &str) -> Result<String> {
        let table = match kind {
            "F-" => "families",
            "G-" => "sibling_groups",
            _ => "children",
        };
        let prefix = self.code_prefix(kind)?;
        let prefix = prefix.as_str();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT code FROM {table} WHERE code LIKE ?1 || '%'"
        ))?;
        let codes = stmt.query_map([prefix], |r| r.get::<_, String>(0))?;
        let mut highest = 0u32;
        for code in codes {
            if let Ok(n) = code?[prefix.len()..].parse::<u32>() {
                highest = highest.max(n);
            }
        }
        Ok(format!("{prefix}{:04}", highest + 1))
    }
}

impl Writer<'_> {
    pub fn save_child(
        &mut self,
        child: &Child,
        group: &GroupChange,
        ctx: &Context<'_>,
    ) -> Result<i64> {
        self.allow(Action::EditRecords)?;
        let mut child = child.normalized();
        if let Some(id) = child.id {
            self.owned_here(super::sync::CHILD, id)?;
        }
        let group = match group {
            GroupChange::NoGroup => None,
            GroupChange::Existing(g) | GroupChange::New(g) => Some(g.normalized()),
        };
        let mut errors = validate_child(&child, group.as_ref(), ctx);
        check_code_free(
            self.tx,
            CodedTable::Children,
            &child.code,
            child.id,
            "code",
            &mut errors,
        )?;
        if let Some(group) = &group {
            check_code_free(
                self.tx,
                CodedTable::SiblingGroups,
                &group.code,
                group.id,
                "group.code",
                &mut errors,
            )?;
        }
        if !self.trusted {
            errors.into_result()?;
        }

        let previous_group: Option<i64> = match child.id {
            Some(id) => self
                .tx
                .query_row(
                    "SELECT sibling_group_id FROM children WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?
                .flatten(),
            None => None,
        };
        child.sibling_group_id = match &group {
            None => None,
            Some(g) => Some(self.write_group(g)?),
        };

        let stamp = now();
        let values = params![
            child.code,
            child.first_name,
            child.last_name,
            child.birth_date.to_string(),
            child.birth_date_estimated,
            child.sex.code(),
            child.legal_status.code(),
            child.situation.code(),
            child.location.address,
            child.location.district_code,
            child.location.settlement_code,
            child.location.lat,
            child.location.lon,
            child.school,
            encode_set(&child.languages),
            encode_set(&child.needs),
            child.needs_description,
            child.urgency.code(),
            child.care_type.code(),
            child.sibling_group_id,
            child.wishes,
            child.contact_arrangements,
            child.status.code(),
            child.referral_date.to_string(),
            child.max_distance_km,
            child.notes,
            stamp,
        ];
        // What an update changes, for the audit log.
        let before = match child.id {
            Some(id) if self.audit => load_child(self.tx, id).ok(),
            _ => None,
        };
        let (id, action) = match child.id {
            None => {
                self.tx.execute(
                    "INSERT INTO children (code, first_name, last_name, birth_date,
                        birth_date_estimated, sex, legal_status, situation, address,
                        district_code, settlement_code, lat, lon, school, languages, needs,
                        needs_description, urgency, care_type, sibling_group_id, wishes,
                        contact_arrangements, status, referral_date, max_distance_km, notes,
                        created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                        ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?27)",
                    values,
                )?;
                (self.tx.last_insert_rowid(), "create")
            }
            Some(id) => {
                let changed = self.tx.execute(
                    "UPDATE children SET code = ?1, first_name = ?2, last_name = ?3,
                        birth_date = ?4, birth_date_estimated = ?5, sex = ?6, legal_status = ?7,
                        situation = ?8, address = ?9, district_code = ?10, settlement_code = ?11,
                        lat = ?12, lon = ?13, school = ?14, languages = ?15, needs = ?16,
                        needs_description = ?17, urgency = ?18, care_type = ?19,
                        sibling_group_id = ?20, wishes = ?21, contact_arrangements = ?22,
                        status = ?23, referral_date = ?24, max_distance_km = ?25, notes = ?26,
                        updated_at = ?27
                     WHERE id = ?28",
                    rusqlite::params_from_iter(
                        values.iter().copied().chain([&id as &dyn rusqlite::ToSql]),
                    ),
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound { entity: ENTITY, id });
                }
                (id, "update")
            }
        };
        // A group nobody belongs to any more is removed with the change that emptied it.
        if let Some(previous) = previous_group
            && child.sibling_group_id != Some(previous)
        {
            self.tx.execute(
                "DELETE FROM sibling_groups WHERE id = ?1
                 AND NOT EXISTS (SELECT 1 FROM children WHERE sibling_group_id = ?1)",
                [previous],
            )?;
        }
        if self.audit {
            let summary = match &before {
                Some(before) => super::describe_changes(&child.code, before, &child),
                None => super::AuditText::new("created", vec![("code", child.code.clone())]),
            };
            audit(self.tx, self.user, action, ENTITY, Some(id), &summary)?;
        }
        Ok(id)
    }

    pub fn group_of_child(&mut self, child_id: i64) -> Result<Option<i64>> {
        Ok(self.tx.query_row(
            "SELECT sibling_group_id FROM children WHERE id = ?1",
            [child_id],
            |r| r.get(0),
        )?)
    }

    /// Inserts or updates a sibling group (already validated) and returns its id.
    fn write_group(&mut self, group: &SiblingGroup) -> Result<i64> {
        validate_group(group).into_result()?;
        match group.id {
            Some(id) => {
                let changed = self.tx.execute(
                    "UPDATE sibling_groups SET code = ?1, may_split = ?2, split_reason = ?3 WHERE id = ?4",
                    params![group.code, group.may_split, group.split_reason, id],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound {
                        entity: "sibling group",
                        id,
                    });
                }
                Ok(id)
            }
            None => {
                self.tx.execute(
                    "INSERT INTO sibling_groups(code, may_split, split_reason) VALUES (?1, ?2, ?3)",
                    params![group.code, group.may_split, group.split_reason],
                )?;
                let id = self.tx.last_insert_rowid();
                if self.audit {
                    audit(
                        self.tx,
                        self.user,
                        "create",
                        "sibling_group",
                        Some(id),
                        &super::AuditText::new("created", vec![("code", group.code.clone())]),
                    )?;
                }
                Ok(id)
            }
        }
    }
}
