//! Schema migrations, versioned with SQLite's `user_version`. Each entry moves the schema one
//! version up and runs in its own transaction; never edit a released entry, add a new one.

pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7];

/// The migration after which the audit log is a hash chain (entries before it are sealed in
/// order by `audit_chain::seal_existing`, in the same transaction).
pub const CHAINED_AUDIT: usize = 4;

const V1: &str = r#"
CREATE TABLE families (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    main_carer_name     TEXT NOT NULL,
    main_carer_birth    TEXT,
    main_carer_phone    TEXT NOT NULL DEFAULT '',
    second_carer_name   TEXT,
    second_carer_birth  TEXT,
    second_carer_phone  TEXT,
    address             TEXT NOT NULL DEFAULT '',
    district_code       TEXT NOT NULL,
    settlement_code     TEXT,
    lat                 REAL NOT NULL,
    lon                 REAL NOT NULL,
    languages           TEXT NOT NULL DEFAULT '[]',
    religion            TEXT,
    status              TEXT NOT NULL CHECK (status IN
                          ('applicant','in_assessment','approved','suspended','deregistered')),
    approval_date       TEXT,
    review_due          TEXT,
    care_types          TEXT NOT NULL DEFAULT '[]',
    age_min             INTEGER NOT NULL CHECK (age_min BETWEEN 0 AND 17),
    age_max             INTEGER NOT NULL CHECK (age_max BETWEEN 0 AND 17),
    sex_preference      TEXT NOT NULL CHECK (sex_preference IN ('any','female','male')),
    places              INTEGER NOT NULL CHECK (places >= 0),
    needs               TEXT NOT NULL DEFAULT '[]',
    notes               TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE household_members (
    id          INTEGER PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    full_name   TEXT NOT NULL,
    relation    TEXT NOT NULL,
    birth_date  TEXT
);
CREATE INDEX household_members_family ON household_members(family_id, position);

CREATE TABLE family_training (
    id            INTEGER PRIMARY KEY,
    family_id     INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    course        TEXT NOT NULL,
    completed_on  TEXT NOT NULL
);
CREATE INDEX family_training_family ON family_training(family_id, position);

CREATE TABLE family_checks (
    id          INTEGER PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('medical','criminal_record','references','home_safety')),
    done_on     TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('pending','passed','concerns','failed')),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX family_checks_family ON family_checks(family_id, position);

CREATE TABLE sibling_groups (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    may_split     INTEGER NOT NULL DEFAULT 0 CHECK (may_split IN (0, 1)),
    split_reason  TEXT NOT NULL DEFAULT '',
    CHECK (may_split = 0 OR length(trim(split_reason)) > 0)
);

CREATE TABLE children (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL,
    birth_date            TEXT NOT NULL,
    birth_date_estimated  INTEGER NOT NULL DEFAULT 0,
    sex                   TEXT NOT NULL CHECK (sex IN ('female','male')),
    legal_status          TEXT NOT NULL,
    situation             TEXT NOT NULL,
    address               TEXT NOT NULL DEFAULT '',
    district_code         TEXT NOT NULL,
    settlement_code       TEXT,
    lat                   REAL NOT NULL,
    lon                   REAL NOT NULL,
    school                TEXT NOT NULL DEFAULT '',
    languages             TEXT NOT NULL DEFAULT '[]',
    needs                 TEXT NOT NULL DEFAULT '[]',
    needs_description     TEXT NOT NULL DEFAULT '',
    urgency               TEXT NOT NULL CHECK (urgency IN ('routine','priority','emergency')),
    care_type             TEXT NOT NULL,
    sibling_group_id      INTEGER REFERENCES sibling_groups(id),
    wishes                TEXT NOT NULL DEFAULT '',
    contact_arrangements  TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL CHECK (status IN
                            ('awaiting','proposed','placed','reunified','exited')),
    referral_date         TEXT NOT NULL,
    max_distance_km       REAL,
    notes                 TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX children_group ON children(sibling_group_id);

CREATE TABLE placements (
    id          INTEGER PRIMARY KEY,
    child_id    INTEGER NOT NULL REFERENCES children(id),
    family_id   INTEGER NOT NULL REFERENCES families(id),
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    end_reason  TEXT CHECK (end_reason IN ('reunified','adopted','moved','breakdown','aged_out')),
    CHECK ((end_date IS NULL) = (end_reason IS NULL))
);
CREATE INDEX placements_family ON placements(family_id) WHERE end_date IS NULL;
CREATE INDEX placements_child ON placements(child_id);

-- Who did what to which record, and when. Append-only: no update or delete path exists.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    summary    TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
"#;

/// Audit entries also keep what they say as a locale key with its values (`details`, JSON), so
/// that the window words them in the user's language; `summary` stays the English text.
const V3: &str = r#"
ALTER TABLE audit_log ADD COLUMN details TEXT;
"#;

/// The placement workflow: locked and excluded pairs, panel sessions with their agendas and
/// append-only decisions, placements linked to the decision they came from.
const V2: &str = r#"
CREATE TABLE pair_rules (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('lock','exclude')),
    child_id    INTEGER NOT NULL REFERENCES children(id),
    family_id   INTEGER NOT NULL REFERENCES families(id),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    lifted_at   TEXT,
    lifted_by   TEXT,
    CHECK (kind = 'lock' OR length(trim(reason)) > 0)
);
CREATE UNIQUE INDEX pair_rules_in_force ON pair_rules(kind, child_id, family_id)
    WHERE lifted_at IS NULL;

CREATE TABLE panel_sessions (
    id            INTEGER PRIMARY KEY,
    session_date  TEXT NOT NULL,
    chair         TEXT NOT NULL CHECK (length(trim(chair)) > 0),
    members       TEXT NOT NULL DEFAULT '[]',
    quorum        INTEGER NOT NULL CHECK (quorum IN (0, 1)),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE panel_items (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES panel_sessions(id),
    position       INTEGER NOT NULL,
    child_id       INTEGER NOT NULL REFERENCES children(id),
    family_id      INTEGER NOT NULL REFERENCES families(id),
    distance_km    REAL NOT NULL,
    value          REAL NOT NULL,
    planning_date  TEXT NOT NULL,
    explanation    TEXT NOT NULL,
    carried_from   INTEGER REFERENCES panel_items(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX panel_items_session ON panel_items(session_id, position);
CREATE INDEX panel_items_child ON panel_items(child_id);

-- Decisions are never edited: a correction is a new row (decision NULL, the text in reasons).
CREATE TABLE panel_decisions (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES panel_items(id),
    decision      TEXT CHECK (decision IN
                    ('approve','approve_with_conditions','defer','reject')),
    conditions    TEXT NOT NULL DEFAULT '',
    reasons       TEXT NOT NULL DEFAULT '',
    exclude_pair  INTEGER NOT NULL DEFAULT 0 CHECK (exclude_pair IN (0, 1)),
    start_date    TEXT,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX panel_decisions_item ON panel_decisions(item_id);
CREATE TRIGGER panel_decisions_no_update BEFORE UPDATE ON panel_decisions
BEGIN SELECT RAISE(ABORT, 'panel decisions are never edited: record a correction'); END;
CREATE TRIGGER panel_decisions_no_delete BEFORE DELETE ON panel_decisions
BEGIN SELECT RAISE(ABORT, 'panel decisions are never deleted: record a correction'); END;

ALTER TABLE placements ADD COLUMN decision_id INTEGER REFERENCES panel_decisions(id);
ALTER TABLE placements ADD COLUMN end_note TEXT NOT NULL DEFAULT '';

CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
"#;

/// The audit log as a hash chain: each entry's SHA-256 over the previous entry's and its own
/// content (see `audit_chain`).
const V4: &str = r#"
ALTER TABLE audit_log ADD COLUMN hash TEXT;
"#;

/// Accounts: who signs in, with which role; the password as an Argon2id PHC string; wrong
/// passwords in a row and the lock they lead to.
const V5: &str = r#"
CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    login            TEXT NOT NULL UNIQUE,
    full_name        TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    role             TEXT NOT NULL CHECK (role IN
                       ('administrator','officer','panel_chair','panel_member','trainer','viewer')),
    password_hash    TEXT NOT NULL,
    disabled         INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    last_sign_in     TEXT,
    created_at       TEXT NOT NULL
);
"#;

/// Sync with the national hub: each sibling group, family and child has a global id, an owning
/// office, the hub's version it is based on, and a count of local changes (those above the
/// count last pushed are still to go up). Triggers keep the count on every writing path;
/// applying the hub's records turns them off (`sync_control.applying`).
const V6: &str = r#"
CREATE TABLE sync_records (
    entity    TEXT NOT NULL CHECK (entity IN ('sibling_group','family','child')),
    local_id  INTEGER NOT NULL,
    gid       TEXT NOT NULL UNIQUE,
    office    TEXT NOT NULL DEFAULT '',
    version   INTEGER NOT NULL DEFAULT 0,
    changes   INTEGER NOT NULL DEFAULT 1,
    pushed    INTEGER NOT NULL DEFAULT 0,
    withheld  INTEGER NOT NULL DEFAULT 0 CHECK (withheld IN (0, 1)),
    PRIMARY KEY (entity, local_id)
);
CREATE INDEX sync_records_to_push ON sync_records(entity) WHERE changes > pushed;

CREATE TABLE sync_control (applying INTEGER NOT NULL);
INSERT INTO sync_control VALUES (0);

-- The same record changed here and at the hub since they last agreed: both kept until a
-- person decides.
CREATE TABLE sync_conflicts (
    id            INTEGER PRIMARY KEY,
    entity        TEXT NOT NULL,
    gid           TEXT NOT NULL,
    mine          TEXT NOT NULL,
    theirs        TEXT NOT NULL,
    their_version INTEGER NOT NULL,
    detected_at   TEXT NOT NULL,
    resolved_at   TEXT,
    resolution    TEXT
);
CREATE INDEX sync_conflicts_open ON sync_conflicts(gid) WHERE resolved_at IS NULL;

CREATE TRIGGER families_sync_insert AFTER INSERT ON families
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', NEW.id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER families_sync_update AFTER UPDATE ON families
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', NEW.id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER children_sync_insert AFTER INSERT ON children
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('child', NEW.id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER children_sync_update AFTER UPDATE ON children
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('child', NEW.id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER sibling_groups_sync_insert AFTER INSERT ON sibling_groups
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('sibling_group', NEW.id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER sibling_groups_sync_update AFTER UPDATE ON sibling_groups
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('sibling_group', NEW.id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER household_members_sync_insert AFTER INSERT ON household_members
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', NEW.family_id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER household_members_sync_delete AFTER DELETE ON household_members
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', OLD.family_id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER family_training_sync_insert AFTER INSERT ON family_training
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', NEW.family_id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER family_training_sync_delete AFTER DELETE ON family_training
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', OLD.family_id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER family_checks_sync_insert AFTER INSERT ON family_checks
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', NEW.family_id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER family_checks_sync_delete AFTER DELETE ON family_checks
WHEN (SELECT applying FROM sync_control) = 0
BEGIN
    INSERT INTO sync_records(entity, local_id, gid, office)
    VALUES ('family', OLD.family_id, lower(hex(randomblob(16))),
            COALESCE((SELECT value FROM settings WHERE key = 'office'), ''))
    ON CONFLICT(entity, local_id) DO UPDATE SET changes = changes + 1;
END;

INSERT INTO sync_records(entity, local_id, gid)
    SELECT 'sibling_group', id, lower(hex(randomblob(16))) FROM sibling_groups;
INSERT INTO sync_records(entity, local_id, gid)
    SELECT 'family', id, lower(hex(randomblob(16))) FROM families;
INSERT INTO sync_records(entity, local_id, gid)
    SELECT 'child', id, lower(hex(randomblob(16))) FROM children;
"#;

/// Places taken in families across offices: what this device last told the hub of its own
/// placements in force per family, and what other devices told it.
const V7: &str = r#"
CREATE TABLE sync_occupancy_out (
    family_id INTEGER PRIMARY KEY,
    gid       TEXT NOT NULL UNIQUE,
    version   INTEGER NOT NULL DEFAULT 0,
    pushed    INTEGER NOT NULL
);
CREATE TABLE sync_occupancy_in (
    gid        TEXT PRIMARY KEY,
    family_gid TEXT NOT NULL,
    device     TEXT NOT NULL,
    occupied   INTEGER NOT NULL,
    version    INTEGER NOT NULL
);
CREATE INDEX sync_occupancy_in_family ON sync_occupancy_in(family_gid);
"#;
