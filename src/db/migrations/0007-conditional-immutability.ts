import { QueryTypes } from 'sequelize';
import type { Migration } from './types';

/**
 * Immutability that can be conditional (docs/ARCHITECTURE.md "Immutability").
 *
 * `refuse_change()` (0001) refuses always. `refuse_when_locked()` refuses UPDATE and DELETE of a
 * row once it is *locked*, with the same SQLSTATE `CB001` (409 `immutable_record`). What "locked"
 * means is given by the trigger's arguments, one of four modes:
 *
 * - `column, <col>[, <value>…]` — the row's own state, read on OLD: with values, locked when
 *   OLD.<col> is one of them (`complaints`: status 'archived'); without, when OLD.<col> is set
 *   (not NULL, not false: `approved_at`, `signed`). The UPDATE that sets the lock is allowed,
 *   since OLD is still unlocked; nothing un-sets it.
 * - `case[, <col>]` — the row belongs to a case (`complaint_id` unless named): locked when that
 *   complaint is sealed (status 'archived'). Also refuses INSERT into a sealed case and an UPDATE
 *   that moves a row into one, so a sealed case takes nothing new either.
 * - `cases, <link table>, <link col → row>, <link col → complaint>[, <row key col>]` — a record
 *   shared by several cases through a link table: locked only when it has links and every case
 *   it answers is sealed. (Lock the link table itself with `case`.)
 * - `predicate, <function(jsonb) returns boolean>` — anything else: the function gets OLD as
 *   jsonb. The app role needs EXECUTE on it (docs/production-roles.sql grants it).
 *
 * `attach_lock_trigger(table, mode, args…)` attaches it in one line, checking the arguments
 * (a misspelt column would otherwise lock nothing). It also attaches a TRUNCATE trigger that
 * refuses always: TRUNCATE fires no row triggers, deciding "any locked row?" would cost a scan
 * per mode, and neither the app nor disposal ever truncates.
 *
 * Disposal is the one sanctioned way past a lock: `dispose_case_content()` is SECURITY DEFINER,
 * sets `casebook.disposal` for its own duration only (cleared before it returns; a failure
 * rolls it back with the rest), and the trigger honours that setting only when (1) `current_user` owns
 * `dispose_case_content` — in production the separate `casebook_disposal` role, which nobody
 * logs in as, so `SET casebook.disposal` by the app is ignored — and (2) the call stack
 * (PG_CONTEXT) runs through `dispose_case_content`, which also holds where every role is the
 * superuser (embedded database, tests). A superuser can still disable triggers; that is what the
 * role split in docs/production-roles.sql takes away from the app.
 *
 * Table and function names inside the trigger are schema-qualified at migration/attach time, so
 * a temporary table named `complaints` cannot stand in for the real one.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident, literal }] = await sequelize.query<{ ident: string; literal: string }>(
    'SELECT quote_ident(current_schema()) AS ident, quote_literal(current_schema()) AS literal',
    { type: QueryTypes.SELECT },
  );
  const complaints = `${ident}.complaints`;
  await sequelize.query(`
    -- The generic lock trigger. TG_ARGV[0] is the mode; the rest are the mode's arguments, as
    -- attach_lock_trigger resolved them. "Sealed" is status 'archived' (the same fact in every mode).
    CREATE FUNCTION refuse_when_locked() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_mode text := TG_ARGV[0];
      v_old jsonb;
      v_value jsonb;
      v_case_old uuid;
      v_case_new uuid;
      v_locked boolean := false;
      v_why text;
      v_ctx text;
    BEGIN
      IF TG_LEVEL = 'STATEMENT' THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('TRUNCATE on %s is refused: its rows lock once approved or sealed', TG_TABLE_NAME);
      END IF;

      -- The sanctioned disposal path (see the migration's comment). Looked at only when the flag is set.
      IF coalesce(current_setting('casebook.disposal', true), '') <> '' THEN
        GET DIAGNOSTICS v_ctx = PG_CONTEXT;
        IF strpos(v_ctx, 'dispose_case_content(') > 0 AND EXISTS (
             SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname = 'dispose_case_content' AND n.nspname = ${literal}
                AND p.prosecdef AND pg_catalog.pg_get_userbyid(p.proowner) = current_user) THEN
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END IF;
      END IF;

      IF TG_OP <> 'INSERT' THEN v_old := to_jsonb(OLD); END IF;

      CASE v_mode
        WHEN 'column' THEN
          IF v_old IS NOT NULL THEN
            v_value := v_old -> TG_ARGV[1];
            IF TG_NARGS > 2 THEN
              v_locked := (v_value #>> '{}') = ANY (TG_ARGV[2:TG_NARGS - 1]);
              v_why := format('its %s is %s', TG_ARGV[1], v_value #>> '{}');
            ELSE
              v_locked := v_value IS NOT NULL AND v_value NOT IN ('null'::jsonb, 'false'::jsonb);
              v_why := format('it is locked (%s is set)', TG_ARGV[1]);
            END IF;
          END IF;
        WHEN 'case' THEN
          v_case_old := (v_old ->> TG_ARGV[1])::uuid;
          IF TG_OP <> 'DELETE' THEN v_case_new := (to_jsonb(NEW) ->> TG_ARGV[1])::uuid; END IF;
          IF v_case_old IS NOT NULL AND EXISTS (SELECT 1 FROM ${complaints} c WHERE c.id = v_case_old AND c.status = 'archived') THEN
            v_locked := true;
            v_why := format('its case %s is sealed', v_case_old);
          ELSIF v_case_new IS NOT NULL AND v_case_new IS DISTINCT FROM v_case_old
                AND EXISTS (SELECT 1 FROM ${complaints} c WHERE c.id = v_case_new AND c.status = 'archived') THEN
            v_locked := true;
            v_why := format('case %s is sealed and takes nothing new', v_case_new);
          END IF;
        WHEN 'cases' THEN
          EXECUTE format('SELECT count(*) > 0 AND bool_and(c.status = ''archived'') FROM %s l JOIN ${complaints} c ON c.id = l.%I WHERE l.%I = $1::%s',
                         TG_ARGV[1], TG_ARGV[3], TG_ARGV[2], TG_ARGV[5])
            INTO v_locked USING v_old ->> TG_ARGV[4];
          v_why := 'every case it answers is sealed';
        WHEN 'predicate' THEN
          EXECUTE format('SELECT %s($1)', TG_ARGV[1]) INTO v_locked USING v_old;
          v_why := format('%s says it is locked', TG_ARGV[1]);
        ELSE
          RAISE EXCEPTION 'refuse_when_locked: unknown lock mode %', v_mode;
      END CASE;

      IF coalesce(v_locked, false) THEN
        RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          MESSAGE = format('%s on %s %s is refused: %s', TG_OP, TG_TABLE_NAME,
                           coalesce(v_old ->> 'id', to_jsonb(NEW) ->> 'id', '(no id)'), v_why);
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $fn$;

    -- The type of a column of a table, or an error naming it (attach_lock_trigger's argument check).
    CREATE FUNCTION lock_trigger_column(p_table regclass, p_column text) RETURNS regtype LANGUAGE plpgsql STABLE AS $fn$
    DECLARE
      v_type regtype;
    BEGIN
      SELECT a.atttypid::regtype INTO v_type FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = p_table AND a.attname = p_column AND a.attnum > 0 AND NOT a.attisdropped;
      IF v_type IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '42703', MESSAGE = format('attach_lock_trigger: %s has no column %s', p_table, p_column);
      END IF;
      RETURN v_type;
    END $fn$;

    -- One line per table in later migrations, e.g.
    --   SELECT attach_lock_trigger('meeting_minutes', 'column', 'approved_at');
    --   SELECT attach_lock_trigger('meeting_minutes', 'case');
    --   SELECT attach_lock_trigger('actions', 'cases', 'action_complaints', 'action_id', 'complaint_id');
    -- Triggers are named <table>_lock_<mode> (re-attaching a mode replaces it) and <table>_lock_truncate.
    CREATE FUNCTION attach_lock_trigger(p_table regclass, p_mode text, VARIADIC p_args text[] DEFAULT '{}') RETURNS void
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_rel text;
      v_qualified text;
      v_events text := 'UPDATE OR DELETE';
      v_targs text[];
      v_col text;
      v_key text;
      v_link regclass;
      v_link_qualified text;
      v_row_type regtype;
      v_fn regprocedure;
    BEGIN
      SELECT c.relname, format('%I.%I', n.nspname, c.relname) INTO v_rel, v_qualified
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_table;
      CASE p_mode
        WHEN 'column' THEN
          IF coalesce(cardinality(p_args), 0) < 1 THEN
            RAISE EXCEPTION 'attach_lock_trigger(%, column): name the column that locks the row', p_table;
          END IF;
          PERFORM lock_trigger_column(p_table, p_args[1]);
          v_targs := ARRAY['column'] || p_args;
        WHEN 'case' THEN
          v_col := coalesce(p_args[1], 'complaint_id');
          IF lock_trigger_column(p_table, v_col) <> 'uuid'::regtype THEN
            RAISE EXCEPTION 'attach_lock_trigger(%, case): % is not a uuid column', p_table, v_col;
          END IF;
          v_targs := ARRAY['case', v_col];
          v_events := 'INSERT OR UPDATE OR DELETE';
        WHEN 'cases' THEN
          IF coalesce(cardinality(p_args), 0) < 3 THEN
            RAISE EXCEPTION 'attach_lock_trigger(%, cases): name the link table, its column for the row and its column for the case', p_table;
          END IF;
          v_link := p_args[1]::regclass;
          SELECT format('%I.%I', n.nspname, c.relname) INTO v_link_qualified
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = v_link;
          v_key := coalesce(p_args[4], 'id');
          v_row_type := lock_trigger_column(v_link, p_args[2]);
          IF lock_trigger_column(p_table, v_key) <> v_row_type THEN
            RAISE EXCEPTION 'attach_lock_trigger(%, cases): %.% and %.% differ in type', p_table, p_table, v_key, v_link, p_args[2];
          END IF;
          IF lock_trigger_column(v_link, p_args[3]) <> 'uuid'::regtype THEN
            RAISE EXCEPTION 'attach_lock_trigger(%, cases): %.% is not a uuid column', p_table, v_link, p_args[3];
          END IF;
          v_targs := ARRAY['cases', v_link_qualified, p_args[2], p_args[3], v_key, pg_catalog.format_type(v_row_type, NULL)];
        WHEN 'predicate' THEN
          v_fn := to_regprocedure(p_args[1] || '(jsonb)');
          IF v_fn IS NULL THEN
            RAISE EXCEPTION 'attach_lock_trigger(%, predicate): there is no function %(jsonb)', p_table, p_args[1];
          END IF;
          IF (SELECT prorettype FROM pg_catalog.pg_proc WHERE oid = v_fn) <> 'boolean'::regtype THEN
            RAISE EXCEPTION 'attach_lock_trigger(%, predicate): % does not return boolean', p_table, v_fn;
          END IF;
          v_targs := ARRAY['predicate', (SELECT format('%I.%I', n.nspname, p.proname) FROM pg_catalog.pg_proc p
                                           JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = v_fn)];
        ELSE
          RAISE EXCEPTION 'attach_lock_trigger: unknown lock mode % (column, case, cases, predicate)', p_mode;
      END CASE;
      EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE %s ON %s FOR EACH ROW EXECUTE FUNCTION ${ident}.refuse_when_locked(%s)',
                     v_rel || '_lock_' || p_mode, v_events, v_qualified,
                     (SELECT string_agg(quote_literal(a), ', ') FROM unnest(v_targs) a));
      EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ${ident}.refuse_when_locked(''truncate'')',
                     v_rel || '_lock_truncate', v_qualified);
    END $fn$;

    SELECT attach_lock_trigger('complaints', 'column', 'status', 'archived');
    SELECT attach_lock_trigger('complaint_stages', 'case');
    SELECT attach_lock_trigger('complaint_holds', 'case');

    -- The one sanctioned way past the locks: purges a sealed case's content and appends its audit
    -- event in the same statement. A skeleton: the archive issue adds the retention and two-person
    -- checks, the tombstone and the other tables. p_audit_body is the event's canonical JSON made
    -- by the application (auditAppendArgs), so it hashes like every other event; it must say
    -- complaint.disposed for this complaint. Owned by casebook_disposal in production
    -- (docs/production-roles.sql). Returns the event's seq in the complaint's chain.
    CREATE FUNCTION dispose_case_content(p_complaint_id uuid, p_audit_body text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = ${ident}, pg_temp
    AS $fn$
    DECLARE
      b jsonb := p_audit_body::jsonb;
      v_status text;
      v_seq bigint;
    BEGIN
      SELECT status INTO v_status FROM complaints WHERE id = p_complaint_id FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = format('dispose_case_content: no complaint %s', p_complaint_id);
      END IF;
      IF v_status <> 'archived' THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = format('dispose_case_content: complaint %s is not sealed', p_complaint_id);
      END IF;
      IF b ->> 'action' IS DISTINCT FROM 'complaint.disposed' OR b ->> 'entityType' IS DISTINCT FROM 'Complaint'
         OR b ->> 'entityId' IS DISTINCT FROM p_complaint_id::text THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'dispose_case_content: the audit event must be complaint.disposed of this complaint';
      END IF;

      -- Cleared again before returning, so the bypass never outlives the function; if anything
      -- below fails, the (sub)transaction's rollback undoes the setting with everything else.
      -- (Not a SET clause on the function: PostgreSQL 15 lets only a superuser attach a custom
      -- setting to a function, and migrations run as casebook_owner.)
      PERFORM set_config('casebook.disposal', p_complaint_id::text, true);
      UPDATE complaint_stages SET note = NULL, reason = NULL, version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE complaint_holds SET reason = '', version = version + 1, updated_at = now()
       WHERE complaint_id = p_complaint_id;
      UPDATE complaints SET subject = '', description = '', time_barred_note = NULL, resolution = NULL,
             search_text = '', version = version + 1, updated_at = now()
       WHERE id = p_complaint_id;
      v_seq := audit_append('Complaint:' || p_complaint_id::text, p_audit_body);
      PERFORM set_config('casebook.disposal', '', true);
      RETURN v_seq;
    END $fn$;

    REVOKE EXECUTE ON FUNCTION dispose_case_content(uuid, text) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION attach_lock_trigger(regclass, text, text[]) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION lock_trigger_column(regclass, text) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION refuse_when_locked() FROM PUBLIC;
  `);
};
