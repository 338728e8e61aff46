-- Casebook's production role split. See docs/production-roles.md for when and how to run it.
--
--   psql -X -v ON_ERROR_STOP=1 [-v owner=… -v app=… -v disposal=… -v schema=…] \
--        -d <the casebook database, as a superuser> -f docs/production-roles.sql
--
-- Idempotent: run it once before the first migration (it creates the roles and hands the
-- database to the owner) and again after every migration run (it hands new objects to their
-- owners and re-applies the grants). What it leaves:
--
--   owner     (default casebook_owner)    LOGIN. Owns the database, the schema, every table,
--                                         sequence and function. Migrations run as this role.
--   app       (default casebook_app)      LOGIN. The server and the CLI. Owns nothing; SELECT,
--                                         INSERT, UPDATE, DELETE on the tables (SELECT only on
--                                         schema_migrations; no UPDATE/DELETE on the audit trail);
--                                         no TRUNCATE, TRIGGER or REFERENCES; cannot create objects
--                                         or temporary tables; is a member of no role; EXECUTE
--                                         only on the functions it calls (APP_CALLS below, and the
--                                         predicate functions lock triggers call as the app).
--                                         Not owning a table, it cannot ALTER TABLE … DISABLE
--                                         TRIGGER; not a superuser, it cannot SET
--                                         session_replication_role.
--   disposal  (default casebook_disposal) NOLOGIN. Owns dispose_case_content() (SECURITY
--                                         DEFINER), the one path past the immutability locks,
--                                         and holds the DML it needs. The owner is a member, so
--                                         later migrations may replace that function.

\if :{?owner}
\else
  \set owner casebook_owner
\endif
\if :{?app}
\else
  \set app casebook_app
\endif
\if :{?disposal}
\else
  \set disposal casebook_disposal
\endif
\if :{?schema}
\else
  \set schema public
\endif

BEGIN;

CREATE FUNCTION pg_temp.casebook_roles(p_owner name, p_app name, p_disposal name, p_schema name) RETURNS void
LANGUAGE plpgsql AS $script$
DECLARE
  -- Functions the app calls itself. Every other function in the schema is refused to it.
  APP_CALLS constant text[] := ARRAY['audit_append(text,text,text,text,text)', 'dispose_case_content(uuid,text,text,text,text)'];
  -- Functions dispose_case_content calls as the disposal role.
  DISPOSAL_CALLS constant text[] := ARRAY['audit_append(text,text,text,text,text)'];
  v_db name := current_database();
  v_nsp oid;
  v_owner oid;
  v_app oid;
  v_fn regprocedure;
  v_sig text;
  r record;
BEGIN
  IF NOT coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false) THEN
    RAISE EXCEPTION 'docs/production-roles.sql must run as a superuser';
  END IF;
  IF p_owner IN (p_app, p_disposal) OR p_app = p_disposal THEN
    RAISE EXCEPTION 'the owner, app and disposal roles must be three different roles';
  END IF;
  SELECT oid INTO v_nsp FROM pg_catalog.pg_namespace WHERE nspname = p_schema;
  IF v_nsp IS NULL THEN
    RAISE EXCEPTION 'there is no schema % in database %', p_schema, v_db;
  END IF;

  -- 1. The roles: created when missing, their attributes set either way.
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = p_owner) THEN EXECUTE format('CREATE ROLE %I', p_owner); END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = p_app) THEN EXECUTE format('CREATE ROLE %I', p_app); END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = p_disposal) THEN EXECUTE format('CREATE ROLE %I', p_disposal); END IF;
  EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', p_owner);
  EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', p_app);
  EXECUTE format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', p_disposal);
  SELECT oid INTO v_owner FROM pg_catalog.pg_roles WHERE rolname = p_owner;
  SELECT oid INTO v_app FROM pg_catalog.pg_roles WHERE rolname = p_app;
  -- The app inherits nothing and can SET ROLE to nothing.
  FOR r IN SELECT g.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = v_app LOOP
    EXECUTE format('REVOKE %I FROM %I', r.rolname, p_app);
  END LOOP;
  IF NOT pg_catalog.pg_has_role(p_owner, p_disposal, 'MEMBER') THEN
    EXECUTE format('GRANT %I TO %I', p_disposal, p_owner);
  END IF;

  -- 2. The database and the schema are the owner's; nobody else creates anything in them,
  --    temporary tables included (a temporary table can shadow a real one in a search path).
  EXECUTE format('ALTER DATABASE %I OWNER TO %I', v_db, p_owner);
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', v_db);
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I, %I', v_db, p_app, p_disposal);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', v_db, p_app);
  EXECUTE format('ALTER SCHEMA %I OWNER TO %I', p_schema, p_owner);
  EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', p_schema);
  EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I, %I', p_schema, p_app, p_disposal);
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I, %I', p_schema, p_app, p_disposal);

  -- 3. Ownership: every object of the schema is the owner's (a database migrated by a superuser
  --    is taken over), except extension members (left to their extension) and the disposal
  --    function (the disposal role's). Tables first: their owned sequences follow them.
  FOR r IN
    SELECT c.oid::regclass AS rel, c.relkind FROM pg_catalog.pg_class c
     WHERE c.relnamespace = v_nsp AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner <> v_owner
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                   r.rel, p_owner);
  END LOOP;
  FOR r IN
    SELECT c.oid::regclass AS rel FROM pg_catalog.pg_class c
     WHERE c.relnamespace = v_nsp AND c.relkind = 'S' AND c.relowner <> v_owner
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
  LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.rel, p_owner);
  END LOOP;
  FOR r IN
    SELECT t.oid::regtype AS typ FROM pg_catalog.pg_type t
     WHERE t.typnamespace = v_nsp AND t.typtype IN ('e', 'd') AND t.typowner <> v_owner
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', r.typ, p_owner);
  END LOOP;
  FOR r IN
    SELECT p.oid::regprocedure AS fn, p.proname FROM pg_catalog.pg_proc p
     WHERE p.pronamespace = v_nsp
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.fn, CASE WHEN r.proname = 'dispose_case_content' THEN p_disposal ELSE p_owner END);
  END LOOP;

  -- 4. Tables: plain DML for the app and the disposal role, nothing more.
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM PUBLIC, %I, %I', p_schema, p_app, p_disposal);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I, %I', p_schema, p_app, p_disposal);
  IF to_regclass(format('%I.schema_migrations', p_schema)) IS NOT NULL THEN
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I.schema_migrations FROM %I, %I', p_schema, p_app, p_disposal);
  END IF;
  -- The trail is appended to, never edited: its triggers refuse it; the privileges say so twice.
  FOR r IN SELECT unnest(ARRAY['audit_events', 'audit_anchors']) AS t LOOP
    IF to_regclass(format('%I.%I', p_schema, r.t)) IS NOT NULL THEN
      EXECUTE format('REVOKE UPDATE, DELETE ON %I.%I FROM %I, %I', p_schema, r.t, p_app, p_disposal);
    END IF;
  END LOOP;
  -- An event's content is appended with it and removed only by disposal.
  IF to_regclass(format('%I.audit_event_contents', p_schema)) IS NOT NULL THEN
    EXECUTE format('REVOKE UPDATE, DELETE ON %I.audit_event_contents FROM %I', p_schema, p_app);
    EXECUTE format('REVOKE UPDATE ON %I.audit_event_contents FROM %I', p_schema, p_disposal);
  END IF;
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM PUBLIC, %I, %I', p_schema, p_app, p_disposal);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I, %I', p_schema, p_app, p_disposal);

  -- 5. Functions: none is callable by PUBLIC (extension members excepted); the app and the
  --    disposal role get exactly what they call, plus every predicate a lock trigger calls as them.
  FOR r IN
    SELECT p.oid::regprocedure AS fn FROM pg_catalog.pg_proc p
     WHERE p.pronamespace = v_nsp
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC, %I, %I', r.fn, p_app, p_disposal);
  END LOOP;
  FOREACH v_sig IN ARRAY APP_CALLS LOOP
    v_fn := to_regprocedure(format('%I.%s', p_schema, v_sig));
    IF v_fn IS NOT NULL THEN EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %I', v_fn, p_app); END IF;
  END LOOP;
  FOREACH v_sig IN ARRAY DISPOSAL_CALLS LOOP
    v_fn := to_regprocedure(format('%I.%s', p_schema, v_sig));
    IF v_fn IS NOT NULL THEN EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %I', v_fn, p_disposal); END IF;
  END LOOP;
  FOR r IN
    SELECT DISTINCT to_regprocedure(a[2] || '(jsonb)') AS fn
      FROM pg_catalog.pg_trigger t
      JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid AND p.proname = 'refuse_when_locked' AND p.pronamespace = v_nsp
      CROSS JOIN LATERAL (SELECT string_to_array(encode(t.tgargs, 'escape'), '\000') AS a) args
     WHERE a[1] = 'predicate'
  LOOP
    IF r.fn IS NOT NULL THEN EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %I, %I', r.fn, p_app, p_disposal); END IF;
  END LOOP;

  -- 6. What later migrations create: tables are usable at once, functions are nobody's until
  --    this script runs again (and lists them above if the app calls them).
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I, %I', p_owner, p_schema, p_app, p_disposal);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I, %I', p_owner, p_schema, p_app, p_disposal);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC', p_owner);

  -- 7. Check what the header promises.
  IF EXISTS (SELECT FROM pg_catalog.pg_class WHERE relowner = v_app) OR EXISTS (SELECT FROM pg_catalog.pg_proc WHERE proowner = v_app)
     OR EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspowner = v_app) OR EXISTS (SELECT FROM pg_catalog.pg_type WHERE typowner = v_app) THEN
    RAISE EXCEPTION 'role % still owns objects in database %', p_app, v_db;
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.relnamespace = v_nsp AND c.relkind IN ('r', 'p')
              AND (has_table_privilege(v_app, c.oid, 'TRUNCATE') OR has_table_privilege(v_app, c.oid, 'TRIGGER') OR has_table_privilege(v_app, c.oid, 'REFERENCES'))) THEN
    RAISE EXCEPTION 'role % still holds TRUNCATE, TRIGGER or REFERENCES on a table', p_app;
  END IF;
  RAISE NOTICE 'casebook roles: owner %, app %, disposal % on %.%', p_owner, p_app, p_disposal, v_db, p_schema;
END
$script$;

SELECT pg_temp.casebook_roles(:'owner', :'app', :'disposal', :'schema');

COMMIT;
