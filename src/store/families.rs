//! Families: read, validate and write, with household, training and checks.

use crate::domain::access::Action;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::codec::*;
use super::{
    CodedTable, Result, Store, StoreError, Writer, audit, check_code_free, id_by_code, now,
};
use crate::domain::validation::validate_family;
use crate::domain::*;

const ENTITY: &str = "family";

const FAMILY_COLUMNS: &str = "id, code, main_carer_name, main_carer_birth, main_carer_phone,
    second_carer_name, second_carer_birth, second_carer_phone, address, district_code,
    settlement_code, lat, lon, languages, religion, status, approval_date, review_due,
    care_types, age_min, age_max, sex_preference, places, needs, notes";

fn family_from_row(row: &Row<'_>) -> Result<Family> {
    let id: i64 = row.get(0)?;
    let second_name: Option<String> = row.get(5)?;
    let second_carer = match second_name {
        Some(full_name) => Some(Carer {
            full_name,
            birth_date: decode_date(row.get(6)?, ENTITY, id)?,
            phone: row.get::<_, Option<String>>(7)?.unwrap_or_default(),
        }),
        None => None,
    };
    let religion: Option<String> = row.get(14)?;
    Ok(Family {
        id: Some(id),
        code: row.get(1)?,
        main_carer: Carer {
            full_name: row.get(2)?,
            birth_date: decode_date(row.get(3)?, ENTITY, id)?,
            phone: row.get(4)?,
        },
        second_carer,
        location: Location {
            address: row.get(8)?,
            district_code: row.get(9)?,
            settlement_code: row.get(10)?,
            lat: row.get(11)?,
            lon: row.get(12)?,
        },
        household: Vec::new(),
        languages: decode_set(&row.get::<_, String>(13)?, ENTITY, id)?,
        religion: religion
            .map(|r| decode_code(&r, Religion::from_code, ENTITY, id))
            .transpose()?,
        status: decode_code(
            &row.get::<_, String>(15)?,
            FamilyStatus::from_code,
            ENTITY,
            id,
        )?,
        approval_date: decode_date(row.get(16)?, ENTITY, id)?,
        review_due: decode_date(row.get(17)?, ENTITY, id)?,
        terms: TermsOfApproval {
            care_types: decode_set(&row.get::<_, String>(18)?, ENTITY, id)?,
            age_min: row.get(19)?,
            age_max: row.get(20)?,
            sex_preference: decode_code(
                &row.get::<_, String>(21)?,
                SexPreference::from_code,
                ENTITY,
                id,
            )?,
            places: row.get(22)?,
            needs: decode_set(&row.get::<_, String>(23)?, ENTITY, id)?,
        },
        training: Vec::new(),
        checks: Vec::new(),
        notes: row.get(24)?,
    })
}

/// Loads the household, training and checks of the given families (by id) in three queries.
fn attach_details(conn: &Connection, families: &mut [Family], only: Option<i64>) -> Result<()> {
    let index: HashMap<i64, usize> = families
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.id.map(|id| (id, i)))
        .collect();
    let filter = if only.is_some() {
        "WHERE family_id = ?1"
    } else {
        "WHERE ?1 IS NULL"
    };

    let mut stmt = conn.prepare(&format!(
        "SELECT family_id, full_name, relation, birth_date FROM household_members {filter}
         ORDER BY family_id, position"
    ))?;
    let mut rows = stmt.query([only])?;
    while let Some(row) = rows.next()? {
        let family_id: i64 = row.get(0)?;
        let Some(&i) = index.get(&family_id) else {
            continue;
        };
        families[i].household.push(HouseholdMember {
            full_name: row.get(1)?,
            relation: decode_code(
                &row.get::<_, String>(2)?,
                Relation::from_code,
                ENTITY,
                family_id,
            )?,
            birth_date: decode_date(row.get(3)?, ENTITY, family_id)?,
        });
    }

    let mut stmt = conn.prepare(&format!(
        "SELECT family_id, course, completed_on FROM family_training {filter}
         ORDER BY family_id, position"
    ))?;
    let mut rows = stmt.query([only])?;
    while let Some(row) = rows.next()? {
        let family_id: i64 = row.get(0)?;
        let Some(&i) = index.get(&family_id) else {
            continue;
        };
        families[i].training.push(TrainingRecord {
            course: row.get(1)?,
            completed_on: required_date(row.get(2)?, ENTITY, family_id)?,
        });
    }

    let mut stmt = conn.prepare(&format!(
        "SELECT family_id, kind, done_on, outcome, note FROM family_checks {filter}
         ORDER BY family_id, position"
    ))?;
    let mut rows = stmt.query([only])?;
    while let Some(row) = rows.next()? {
        let family_id: i64 = row.get(0)?;
        let Some(&i) = index.get(&family_id) else {
            continue;
        };
        families[i].checks.push(Check {
            kind: decode_code(
                &row.get::<_, String>(1)?,
                CheckKind::from_code,
                ENTITY,
                family_id,
            )?,
            done_on: required_date(row.get(2)?, ENTITY, family_id)?,
            outcome: decode_code(
                &row.get::<_, String>(3)?,
                CheckOutcome::from_code,
                ENTITY,
                family_id,
            )?,
            note: row.get(4)?,
        });
    }
    Ok(())
}

/// One family with its details, read on any connection (also inside a write).
pub(crate) fn load_family(conn: &Connection, id: i64) -> Result<Family> {
    let family = conn
        .query_row(
            &format!("SELECT {FAMILY_COLUMNS} FROM families WHERE id = ?1"),
            [id],
            |row| Ok(family_from_row(row)),
        )
        .optional()?
        .ok_or(StoreError::NotFound { entity: ENTITY, id })??;
    let mut one = [family];
    attach_details(conn, &mut one, Some(id))?;
    let [family] = one;
    Ok(family)
}

pub(super) fn occupied_of(conn: &Connection, family_id: i64) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM placements WHERE family_id = ?1 AND end_date IS NULL",
        [family_id],
        |r| r.get(0),
    )?)
}

/// Places other devices' placements in force take, per family id, as they told the hub.
const TAKEN_ELSEWHERE: &str = "SELECT r.local_id, SUM(i.occupied) FROM sync_occupancy_in i
     JOIN sync_records r ON r.entity = 'family' AND r.gid = i.family_gid
     GROUP BY r.local_id";

/// Places taken in a family: by this registry's placements in force and, in a registry that
/// syncs, by other offices' (what a proposal or a decision must leave room for).
pub(super) fn places_taken(conn: &Connection, family_id: i64) -> Result<u32> {
    let elsewhere: u32 = conn.query_row(
        "SELECT COALESCE(SUM(i.occupied), 0) FROM sync_occupancy_in i
         JOIN sync_records r ON r.entity = 'family' AND r.gid = i.family_gid
         WHERE r.local_id = ?1",
        [family_id],
        |r| r.get(0),
    )?;
    Ok(occupied_of(conn, family_id)? + elsewhere)
}

impl Store {
    /// Every family with its details, in no particular order.
    pub fn families(&self) -> Result<Vec<Family>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {FAMILY_COLUMNS} FROM families"))?;
        let mut rows = stmt.query([])?;
        let mut families = Vec::new();
        while let Some(row) = rows.next()? {
            families.push(family_from_row(row)?);
        }
        attach_details(&self.conn, &mut families, None)?;
        Ok(families)
    }

    pub fn family(&self, id: i64) -> Result<Family> {
        load_family(&self.conn, id)
    }

    pub fn family_id_by_code(&self, code: &str) -> Result<Option<i64>> {
        id_by_code(&self.conn, CodedTable::Families, code)
    }

    /// Places taken by active placements, per family id (families with none are absent):
    /// this registry's, and other offices' as they told the hub.
    pub fn occupied_places(&self) -> Result<HashMap<i64, u32>> {
        let mut stmt = self.conn.prepare(
            "SELECT family_id, count(*) FROM placements WHERE end_date IS NULL GROUP BY family_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut occupied = rows.collect::<rusqlite::Result<HashMap<i64, u32>>>()?;
        let mut elsewhere = self.conn.prepare(TAKEN_ELSEWHERE)?;
        for row in elsewhere.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u32>(1)?)))? {
            let (family, taken) = row?;
            *occupied.entry(family).or_default() += taken;
        }
        Ok(occupied)
    }

    /// Validates and saves a family (insert when it has no id), in one transaction.
    pub fn save_family(&mut self, family: &Family, ctx: &Context<'_>) -> Result<i64> {
        self.write(|w| w.save_family(family, ctx))
    }
}

impl Writer<'_> {
    /// Validates and writes a family with all its details.
    pub fn save_family(&mut self, family: &Family, ctx: &Context<'_>) -> Result<i64> {
        self.allow(Action::EditRecords)?;
        let family = family.normalized();
        if let Some(id) = family.id {
            self.owned_here(super::sync::FAMILY, id)?;
        }
        let occupied = match family.id {
            Some(id) => occupied_of(self.tx, id)?,
            None => 0,
        };
        let mut errors = validate_family(&family, occupied, ctx);
        check_code_free(
            self.tx,
            CodedTable::Families,
            &family.code,
            family.id,
            "code",
            &mut errors,
        )?;
        if !self.trusted {
            errors.into_result()?;
        }

        let second = family.second_carer.as_ref().filter(|c| !c.is_blank());
        let stamp = now();
        let values = params![
            family.code,
            family.main_carer.full_name,
            encode_date(family.main_carer.birth_date),
            family.main_carer.phone,
            second.map(|c| c.full_name.clone()),
            second.and_then(|c| encode_date(c.birth_date)),
            second.map(|c| c.phone.clone()),
            family.location.address,
            family.location.district_code,
            family.location.settlement_code,
            family.location.lat,
            family.location.lon,
            encode_set(&family.languages),
            family.religion.map(Religion::code),
            family.status.code(),
            encode_date(family.approval_date),
            encode_date(family.review_due),
            encode_set(&family.terms.care_types),
            family.terms.age_min,
            family.terms.age_max,
            family.terms.sex_preference.code(),
            family.terms.places,
            encode_set(&family.terms.needs),
            family.notes,
            stamp,
        ];
        // What an update changes, for the audit log.
        let before = match family.id {
            Some(id) if self.audit => load_family(self.tx, id).ok(),
            _ => None,
        };
        let (id, action) = match family.id {
            None => {
                self.tx.execute(
                    "INSERT INTO families (code, main_carer_name, main_carer_birth,
                        main_carer_phone, second_carer_name, second_carer_birth,
                        second_carer_phone, address, district_code, settlement_code, lat, lon,
                        languages, religion, status, approval_date, review_due, care_types,
                        age_min, age_max, sex_preference, places, needs, notes, created_at,
                        updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                        ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?25)",
                    values,
                )?;
                (self.tx.last_insert_rowid(), "create")
            }
            Some(id) => {
                let changed = self.tx.execute(
                    "UPDATE families SET code = ?1, main_carer_name = ?2, main_carer_birth = ?3,
                        main_carer_phone = ?4, second_carer_name = ?5, second_carer_birth = ?6,
                        second_carer_phone = ?7, address = ?8, district_code = ?9,
                        settlement_code = ?10, lat = ?11, lon = ?12, languages = ?13,
                        religion = ?14, status = ?15, approval_date = ?16, review_due = ?17,
                        care_types = ?18, age_min = ?19, age_max = ?20, sex_preference = ?21,
                        places = ?22, needs = ?23, notes = ?24, updated_at = ?25
                     WHERE id = ?26",
                    rusqlite::params_from_iter(
                        values.iter().copied().chain([&id as &dyn rusqlite::ToSql]),
                    ),
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound { entity: ENTITY, id });
                }
                for table in ["household_members", "family_training", "family_checks"] {
                    self.tx
                        .execute(&format!("DELETE FROM {table} WHERE family_id = ?1"), [id])?;
                }
                (id, "update")
            }
        };

        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO household_members(family_id, position, full_name, relation, birth_date)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (position, m) in (0i64..).zip(&family.household) {
            stmt.execute(params![
                id,
                position,
                m.full_name,
                m.relation.code(),
                encode_date(m.birth_date)
            ])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO family_training(family_id, position, course, completed_on)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (position, t) in (0i64..).zip(&family.training) {
            stmt.execute(params![id, position, t.course, t.completed_on.to_string()])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO family_checks(family_id, position, kind, done_on, outcome, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (position, c) in (0i64..).zip(&family.checks) {
            stmt.execute(params![
                id,
                position,
                c.kind.code(),
                c.done_on.to_string(),
                c.outcome.code(),
                c.note
            ])?;
        }
        if self.audit {
            let summary = match &before {
                Some(before) => super::describe_changes(&family.code, before, &family),
                None => super::AuditText::new("created", vec![("code", family.code.clone())]),
            };
            audit(self.tx, self.user, action, ENTITY, Some(id), &summary)?;
        }
        Ok(id)
    }
}
