import { QueryTypes } from 'sequelize';
import type { Migration } from './types';

/**
 * Meetings of a serious case and their minutes (PRODUCT.md "Escalation of serious cases"; biên
 * bản cuộc họp): when it was held, who attended (users by id or free-text names such as "P.KD"),
 * the agenda, the minutes, the decisions, and the tasks assigned (assignee, task, due, status).
 *
 * - `meetings.status` is `draft` until approved (`approved`, with `approved_by`/`approved_at`).
 *   Approved minutes are locked IN THE DATABASE: 0007's lock in `column` mode on `approved_at`
 *   refuses every UPDATE and DELETE of an approved row with SQLSTATE CB001 (the UPDATE that
 *   approves is allowed: OLD.approved_at is still NULL). `case` mode refuses meetings of a sealed case.
 * - A correction is a new meeting that `supersedes` an approved one (UNIQUE: one correction per
 *   meeting, so two concurrent corrections cannot fork the history); the old row is not touched,
 *   its "superseded by" is read from the new row. That the superseded one is approved and of the
 *   same case is the command's rule (src/commands/meetings.ts), the same case also a composite FK.
 * - `meeting_assignments` belong to one meeting and carry its case (composite FK on
 *   `(meeting_id, complaint_id)`, so the case cannot disagree). `meeting_assignment_lock()` below:
 *   while the meeting is a draft, its assignments may change freely; once it is approved, no
 *   assignment may be added to it or removed from it, and only `status` (open ↔ done: the task's
 *   progress, not the minutes) may change — the assignee, the task, the due time and the links are
 *   locked. `case` mode refuses any change in a sealed case.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident, literal }] = await sequelize.query<{ ident: string; literal: string }>(
    'SELECT quote_ident(current_schema()) AS ident, quote_literal(current_schema()) AS literal',
    { type: QueryTypes.SELECT },
  );
  await sequelize.query(`
    CREATE TABLE meetings (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      held_at timestamptz NOT NULL,
      attendees jsonb NOT NULL DEFAULT '[]'::jsonb,
      agenda text NOT NULL,
      minutes text NOT NULL,
      decisions text NOT NULL,
      status text NOT NULL DEFAULT 'draft',
      approved_by uuid,
      approved_at timestamptz,
      supersedes uuid,
      created_by uuid,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT meetings_pkey PRIMARY KEY (id),
      CONSTRAINT meetings_id_complaint_key UNIQUE (id, complaint_id),
      CONSTRAINT meetings_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT meetings_approved_by_fk FOREIGN KEY (approved_by) REFERENCES users (id),
      CONSTRAINT meetings_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id),
      CONSTRAINT meetings_supersedes_fk FOREIGN KEY (supersedes, complaint_id) REFERENCES meetings (id, complaint_id),
      CONSTRAINT meetings_supersedes_key UNIQUE (supersedes),
      CONSTRAINT meetings_supersedes_other CHECK (supersedes IS DISTINCT FROM id),
      CONSTRAINT meetings_status_check CHECK (status IN ('draft', 'approved')),
      CONSTRAINT meetings_approval_check CHECK ((status = 'approved') = (approved_at IS NOT NULL) AND (approved_at IS NULL OR approved_by IS NOT NULL)),
      CONSTRAINT meetings_attendees_check CHECK (jsonb_typeof(attendees) = 'array' AND jsonb_array_length(attendees) BETWEEN 1 AND 100),
      CONSTRAINT meetings_agenda_check CHECK (char_length(agenda) BETWEEN 1 AND 5000),
      CONSTRAINT meetings_minutes_check CHECK (char_length(minutes) BETWEEN 1 AND 50000),
      CONSTRAINT meetings_decisions_check CHECK (char_length(decisions) BETWEEN 1 AND 20000)
    );
    -- The case's meetings in the order they were held.
    CREATE INDEX meetings_complaint_idx ON meetings (complaint_id, held_at, id);

    CREATE TABLE meeting_assignments (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL,
      complaint_id uuid NOT NULL,
      assignee_id uuid NOT NULL,
      task text NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'open',
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT meeting_assignments_pkey PRIMARY KEY (id),
      CONSTRAINT meeting_assignments_meeting_fk FOREIGN KEY (meeting_id, complaint_id) REFERENCES meetings (id, complaint_id),
      CONSTRAINT meeting_assignments_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT meeting_assignments_assignee_fk FOREIGN KEY (assignee_id) REFERENCES users (id),
      CONSTRAINT meeting_assignments_status_check CHECK (status IN ('open', 'done')),
      CONSTRAINT meeting_assignments_task_check CHECK (char_length(task) BETWEEN 1 AND 2000)
    );
    CREATE INDEX meeting_assignments_meeting_idx ON meeting_assignments (meeting_id, due_at, id);
    -- A user's own open tasks (the home page's list).
    CREATE INDEX meeting_assignments_assignee_idx ON meeting_assignments (assignee_id, due_at) WHERE status = 'open';

    SELECT attach_lock_trigger('meetings', 'column', 'approved_at');
    SELECT attach_lock_trigger('meetings', 'case');
    SELECT attach_lock_trigger('meeting_assignments', 'case');

    -- The assignments of approved minutes: nothing added or removed, only the status may change.
    -- Honours the disposal path exactly as refuse_when_locked() does (0007).
    CREATE FUNCTION meeting_assignment_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_meeting uuid;
      v_ctx text;
    BEGIN
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
      IF TG_OP = 'UPDATE' AND (NEW.meeting_id, NEW.complaint_id, NEW.assignee_id, NEW.task, NEW.due_at, NEW.created_at)
           IS NOT DISTINCT FROM (OLD.meeting_id, OLD.complaint_id, OLD.assignee_id, OLD.task, OLD.due_at, OLD.created_at) THEN
        RETURN NEW; -- only the status (and its version and time) changes: allowed
      END IF;
      FOREACH v_meeting IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.meeting_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.meeting_id END] LOOP
        IF v_meeting IS NOT NULL AND EXISTS (SELECT 1 FROM ${ident}.meetings m WHERE m.id = v_meeting AND m.approved_at IS NOT NULL) THEN
          RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
            MESSAGE = format('%s on %s %s is refused: meeting %s is approved', TG_OP, TG_TABLE_NAME,
                             CASE WHEN TG_OP = 'INSERT' THEN NEW.id ELSE OLD.id END, v_meeting);
        END IF;
      END LOOP;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $fn$;
    CREATE TRIGGER meeting_assignments_lock_approved BEFORE INSERT OR UPDATE OR DELETE ON ${ident}.meeting_assignments
      FOR EACH ROW EXECUTE FUNCTION ${ident}.meeting_assignment_lock();
  `);
};
