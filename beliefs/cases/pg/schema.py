"""The PostgreSQL schema of the case store, its migrations, rules and roles.

The same tables and columns as the SQLite schema (:mod:`beliefs.cases.schema`),
plus ``db_user`` on every row: the database role that wrote it, set by the
server (``current_user``), whatever the client sends. Versions are counted the
same way: migration ``i`` takes the database from version ``i - 1`` to ``i``,
forward only, each in its own transaction, under an advisory lock so that two
first users do not build it twice; a database from a newer `beliefs` is
refused untouched. The version lives in ``beliefs_schema``.

The rules, enforced by triggers for every role, the tables' owner included:

* signals, retractions, actor mappings and assessments are never updated;
  they are deleted only with their case, once it is marked ``deleting``
  (:meth:`~beliefs.cases.pg.store.PgCaseStore.delete_case`, one transaction);
* a case's name, scenario, catalog, origin and creation time never change;
  only ``updated_at`` moves, and ``deleting`` goes from 0 to 1, never back;
  a case marked ``deleting`` must be gone when its transaction commits (a
  deferred constraint trigger): nobody leaves a case half deleted;
* TRUNCATE is refused; ids come from identity sequences and are never reused
  (an INSERT that chooses its own id, OVERRIDING SYSTEM VALUE, is refused);
* each write of the log notifies ``beliefs_log`` with the case id (LISTEN/NOTIFY).

Roles (:func:`init_roles`): ``beliefs_reader`` reads; ``beliefs_analyst`` also
adds and retracts signals and stores assessments; ``beliefs_owner`` also
creates and deletes cases and maps actors. Login roles are granted one of them.
"""

from __future__ import annotations

from typing import Any

import psycopg

from beliefs.errors import BeliefsError

#: Serialises the store's writers and migrations ("BELF", as the SQLite application id).
WRITE_LOCK = 0x42454C46
CHANNEL = "beliefs_log"
LOG_TABLES = ("signals", "retractions", "actor_mappings", "assessments")
ROLES = ("beliefs_reader", "beliefs_analyst", "beliefs_owner")

V1 = """
CREATE TABLE beliefs_schema (version integer NOT NULL);
INSERT INTO beliefs_schema VALUES (0);
CREATE TABLE cases (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    scenario_json  text NOT NULL,
    catalog_json   text NOT NULL,
    catalog_digest text NOT NULL,
    origin         text NOT NULL,
    created_at     text NOT NULL,
    updated_at     text NOT NULL,
    deleting       integer NOT NULL DEFAULT 0 CHECK (deleting IN (0, 1)),
    db_user        text NOT NULL DEFAULT current_user
);
CREATE TABLE signals (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases(id),
    date       text NOT NULL,
    kind       text NOT NULL,
    actor      text NOT NULL,
    grade      text NOT NULL,
    note       text NOT NULL,
    source     text,
    entered_at text NOT NULL,
    entered_by text NOT NULL,
    origin     text NOT NULL,
    channel    text,
    observed   integer NOT NULL DEFAULT 1 CHECK (observed IN (0, 1)),
    db_user    text NOT NULL DEFAULT current_user
);
CREATE INDEX signals_case ON signals(case_id, id);
CREATE TABLE retractions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signal_id    bigint NOT NULL UNIQUE REFERENCES signals(id),
    reason       text NOT NULL,
    at           text NOT NULL,
    retracted_by text NOT NULL,
    db_user      text NOT NULL DEFAULT current_user
);
CREATE TABLE assessments (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases(id),
    at               text NOT NULL,
    n_signals        integer NOT NULL,
    signal_ids_json  text,
    summary_json     text NOT NULL,
    model_version    text NOT NULL,
    catalog_digest   text NOT NULL,
    inputs_digest    text NOT NULL,
    settings_json    text NOT NULL,
    seed             bigint NOT NULL,
    diagnostics_json text NOT NULL,
    reliable         integer NOT NULL,
    db_user          text NOT NULL DEFAULT current_user
);
CREATE INDEX assessments_case ON assessments(case_id, id);
CREATE TABLE actor_mappings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases(id),
    actor       text NOT NULL,
    role        text NOT NULL,
    name        text NOT NULL,
    attribution double precision,
    basis       text NOT NULL,
    at          text NOT NULL,
    mapped_by   text NOT NULL,
    db_user     text NOT NULL DEFAULT current_user
);
CREATE INDEX actor_mappings_case ON actor_mappings(case_id, id);

CREATE FUNCTION beliefs_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE seq text := pg_get_serial_sequence(quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME), 'id');
BEGIN
    -- The id must be the one the sequence just gave: OVERRIDING SYSTEM VALUE cannot reuse an id.
    BEGIN
        IF NEW.id IS DISTINCT FROM currval(seq) THEN
            RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        RAISE EXCEPTION '% ids come from the store''s sequence: an id is never chosen, nor reused', TG_TABLE_NAME;
    END;
    NEW.db_user := current_user;
    RETURN NEW;
END $$;

CREATE FUNCTION beliefs_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% are append-only: nothing is updated in place', TG_TABLE_NAME; END $$;

CREATE FUNCTION beliefs_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% are append-only: nothing is truncated (a case goes only as a whole: beliefs cases delete)',
    TG_TABLE_NAME; END $$;

CREATE FUNCTION beliefs_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE c bigint;
BEGIN
    IF TG_TABLE_NAME = 'retractions' THEN
        SELECT case_id INTO c FROM signals WHERE id = OLD.signal_id;
    ELSE
        c := OLD.case_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM cases WHERE id = c AND deleting = 1) THEN
        RAISE EXCEPTION '% are append-only: nothing is deleted (a case goes only as a whole: beliefs cases delete)',
            TG_TABLE_NAME;
    END IF;
    RETURN OLD;
END $$;

CREATE FUNCTION beliefs_case_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.name <> OLD.name OR NEW.scenario_json <> OLD.scenario_json
       OR NEW.catalog_json <> OLD.catalog_json OR NEW.catalog_digest <> OLD.catalog_digest
       OR NEW.origin <> OLD.origin OR NEW.created_at <> OLD.created_at OR NEW.db_user <> OLD.db_user THEN
        RAISE EXCEPTION 'a case''s name, scenario and catalog are kept as created: nothing is updated in place';
    END IF;
    IF OLD.deleting = 1 AND NEW.deleting <> 1 THEN
        RAISE EXCEPTION 'a case being deleted cannot be restored';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION beliefs_case_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.deleting <> 1 THEN
        RAISE EXCEPTION 'a case is deleted only as a whole: beliefs cases delete';
    END IF;
    RETURN OLD;
END $$;

CREATE FUNCTION beliefs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE c bigint;
BEGIN
    IF TG_TABLE_NAME = 'retractions' THEN
        SELECT case_id INTO c FROM signals WHERE id = NEW.signal_id;
    ELSE
        c := NEW.case_id;
    END IF;
    PERFORM pg_notify('beliefs_log', c::text);
    RETURN NULL;
END $$;

CREATE FUNCTION beliefs_case_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cases WHERE id = NEW.id AND deleting = 1) THEN
        RAISE EXCEPTION 'a case marked for deletion goes whole in the same transaction: beliefs cases delete';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER cases_deleted_whole AFTER UPDATE OF deleting ON cases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION beliefs_case_gone();
CREATE TRIGGER cases_stamp BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION beliefs_stamp();
CREATE TRIGGER cases_update BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION beliefs_case_update();
CREATE TRIGGER cases_delete BEFORE DELETE ON cases FOR EACH ROW EXECUTE FUNCTION beliefs_case_delete();
CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION beliefs_no_truncate();
"""

_PER_LOG_TABLE = """
CREATE TRIGGER {t}_stamp BEFORE INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION beliefs_stamp();
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION beliefs_no_update();
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION beliefs_no_delete();
CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION beliefs_no_truncate();
CREATE TRIGGER {t}_notify AFTER INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION beliefs_notify();
"""

MIGRATIONS: tuple[str, ...] = (V1 + "".join(_PER_LOG_TABLE.format(t=t) for t in LOG_TABLES),)
SCHEMA_VERSION = len(MIGRATIONS)

#: What each role may do (granted by :func:`init_roles`; each role has the rights of the one before).
GRANTS = {
    "beliefs_reader": [
        "GRANT SELECT ON beliefs_schema, cases, signals, retractions, assessments, actor_mappings TO beliefs_reader",
    ],
    "beliefs_analyst": [
        "GRANT beliefs_reader TO beliefs_analyst",
        "GRANT INSERT ON signals, retractions, assessments TO beliefs_analyst",
        "GRANT UPDATE (updated_at) ON cases TO beliefs_analyst",
    ],
    "beliefs_owner": [
        "GRANT beliefs_analyst TO beliefs_owner",
        "GRANT INSERT, DELETE ON cases TO beliefs_owner",
        "GRANT UPDATE (deleting) ON cases TO beliefs_owner",
        "GRANT INSERT ON actor_mappings TO beliefs_owner",
        "GRANT DELETE ON signals, retractions, assessments, actor_mappings TO beliefs_owner",
    ],
}


def schema_version(conn: psycopg.Connection[Any]) -> int | None:
    """The database's schema version; None when it has no case store yet."""
    if conn.execute("SELECT to_regclass('beliefs_schema')").fetchone()[0] is None:  # type: ignore[index]
        if conn.execute("SELECT to_regclass('cases')").fetchone()[0] is not None:  # type: ignore[index]
            raise BeliefsError(
                "the database has a 'cases' table of another application; it was left untouched"
            )
        return None
    row = conn.execute("SELECT version FROM beliefs_schema").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: psycopg.Connection[Any], where: str, create: bool) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION` (``create``: even from nothing); the version reached.

    The usual case (already current) takes no lock; a migration re-reads the
    version under the write lock, so two first users do not both build it.
    """
    with conn.transaction():
        current = schema_version(conn)
    if current == SCHEMA_VERSION:
        return current
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            version = schema_version(conn)
            if version is None and not create:
                return -1
            version = version or 0
            if version > SCHEMA_VERSION:
                raise BeliefsError(
                    f"{where}: case database schema version {version} is newer than this beliefs "
                    f"understands ({SCHEMA_VERSION}); upgrade beliefs. The database was left untouched."
                )
            if version == SCHEMA_VERSION:
                return version
            conn.execute(MIGRATIONS[version])  # type: ignore[arg-type]
            conn.execute("UPDATE beliefs_schema SET version = %s", (version + 1,))


def init_roles(conn: psycopg.Connection[Any], where: str) -> list[str]:
    """Create the three roles (if missing) and grant each its rights; the statements run.

    Needs a role that may create roles and owns the store's tables; else a
    message naming the database (exit 2), and nothing is changed.
    """
    from beliefs.cases.pg.conn import pg_errors

    done: list[str] = []
    with pg_errors(where, str(conn.info.user)), conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        for role in ROLES:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if not exists:
                conn.execute(f"CREATE ROLE {role} NOLOGIN")  # type: ignore[arg-type]
                done.append(f"CREATE ROLE {role} NOLOGIN")
            conn.execute(f"GRANT USAGE ON SCHEMA {_schema(conn)} TO {role}")  # type: ignore[arg-type]
            for grant in GRANTS[role]:
                conn.execute(grant)  # type: ignore[arg-type]
                done.append(grant)
        # The insert trigger compares each new id with its sequence's currval: reading a sequence
        # (SELECT) lets no one draw or set a value.
        for table in ("cases", *LOG_TABLES):
            seq = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]  # type: ignore[index]
            grant = f"GRANT SELECT ON SEQUENCE {seq} TO beliefs_reader"
            conn.execute(grant)  # type: ignore[arg-type]
            done.append(grant)
    return done


def _schema(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute("SELECT quote_ident(current_schema())").fetchone()
    assert row is not None
    return str(row[0])
