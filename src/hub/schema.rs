//! The hub's tables in PostgreSQL (created by `yuva hub init`; running it again changes
//! nothing).

pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS offices (
    code            TEXT PRIMARY KEY,
    national        BOOLEAN NOT NULL DEFAULT false,
    economic_region TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS enrolment_tokens (
    secret_sha256 TEXT PRIMARY KEY,
    office        TEXT NOT NULL REFERENCES offices(code),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    used_at       TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS devices (
    id                   TEXT PRIMARY KEY,
    office               TEXT NOT NULL REFERENCES offices(code),
    public_key           BYTEA NOT NULL,
    name                 TEXT NOT NULL,
    enrolled_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    audit_confirmed_id   BIGINT NOT NULL DEFAULT 0,
    audit_confirmed_hash TEXT NOT NULL DEFAULT '',
    audit_rewritten_at   TIMESTAMPTZ
);

CREATE SEQUENCE IF NOT EXISTS change_seq;

CREATE TABLE IF NOT EXISTS records (
    gid        TEXT PRIMARY KEY,
    entity     TEXT NOT NULL,
    office     TEXT NOT NULL REFERENCES offices(code),
    version    BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    payload    JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_seq ON records(seq);
CREATE INDEX IF NOT EXISTS records_office ON records(office);

CREATE TABLE IF NOT EXISTS record_history (
    gid      TEXT NOT NULL,
    version  BIGINT NOT NULL,
    payload  JSONB NOT NULL,
    device   TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (gid, version)
);

CREATE TABLE IF NOT EXISTS conflicts (
    id           BIGSERIAL PRIMARY KEY,
    gid          TEXT NOT NULL,
    device       TEXT NOT NULL,
    base_version BIGINT NOT NULL,
    hub_version  BIGINT NOT NULL,
    payload      JSONB NOT NULL,
    at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS batches (
    id       TEXT PRIMARY KEY,
    device   TEXT NOT NULL,
    response JSONB NOT NULL,
    at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Offline bundles taken in: each device's bundle once, and in order (a replay is refused);
-- `seq` numbers the hub's answers.
CREATE TABLE IF NOT EXISTS bundles (
    seq      BIGSERIAL PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    device   TEXT NOT NULL REFERENCES devices(id),
    sequence BIGINT NOT NULL,
    records  INTEGER NOT NULL,
    at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Added with offline bundles: a device's key to seal bundles to, and the version each
-- record's edit was made from (a device's second bundle builds on its first).
ALTER TABLE devices ADD COLUMN IF NOT EXISTS sealing_key TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN IF NOT EXISTS base_version BIGINT NOT NULL DEFAULT 0;
-- A family approved at some version: its withdrawal reaches the offices that were sent it
-- (kept as a column: reading it from the history's JSON made every pull scan the history).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_name = 'records' AND column_name = 'ever_approved') THEN
        ALTER TABLE records ADD COLUMN ever_approved BOOLEAN NOT NULL DEFAULT false;
        UPDATE records SET ever_approved = true
        WHERE gid IN (SELECT gid FROM record_history WHERE payload->>'status' = 'approved');
    END IF;
END $$;

-- Families, children, and each device's count of places its placements take in a family.
ALTER TABLE records DROP CONSTRAINT IF EXISTS records_entity_check;
ALTER TABLE records ADD CONSTRAINT records_entity_check
    CHECK (entity IN ('family', 'child', 'occupancy'));

-- The records as columns, for the Agency's own queries and reports.
CREATE OR REPLACE VIEW families AS
SELECT gid, office, version,
       payload->>'code' AS code,
       payload->'main_carer'->>'full_name' AS main_carer,
       payload->>'status' AS status,
       payload->'location'->>'district_code' AS district_code,
       (payload->'terms'->>'places')::int AS places,
       payload->>'approval_date' AS approval_date,
       payload->>'review_due' AS review_due,
       updated_at
FROM records WHERE entity = 'family';

-- Places taken in each family by placements in force, as the devices that placed told.
CREATE OR REPLACE VIEW family_occupancy AS
SELECT payload->>'family' AS family_gid,
       sum((payload->>'occupied')::int) AS occupied
FROM records WHERE entity = 'occupancy'
GROUP BY payload->>'family';

CREATE OR REPLACE VIEW children AS
SELECT gid, office, version,
       payload->'record'->>'code' AS code,
       payload->'record'->>'first_name' AS first_name,
       payload->'record'->>'last_name' AS last_name,
       payload->'record'->>'birth_date' AS birth_date,
       payload->'record'->>'status' AS status,
       payload->'record'->'location'->>'district_code' AS district_code,
       payload->'record'->>'referral_date' AS referral_date,
       payload->'sibling_group'->>'code' AS sibling_group,
       updated_at
FROM records WHERE entity = 'child';
"#;
