import type { Migration } from './types';

/**
 * Corrective actions (CAPA; PRODUCT.md "Corrective actions and supplier fixes"): containment
 * (the temporary countermeasure), corrective, preventive and the supplier's long-term fix, each
 * with an owner department (and optionally an owner), a due time and a status
 * `planned → in_progress → done → verified` (the order is the command's, src/domain/actions.ts).
 *
 * - **One action answers several complaints**: `action_cases` links an action to each case it
 *   answers (the case that opened it, `opened_on`, is linked too). A link is permanent (0007's
 *   `column` lock on `linked_at`, always set) and UNIQUE per (action, case), so two officers linking
 *   the same action to one case at once make one link.
 * - **Verification** records `effective`, `verified_by`/`verified_at` (null until verified; a
 *   verification that found the action not effective keeps `effective = false` and the action is
 *   back `in_progress`). Supplier fields: the supplier's name and reference, when the temporary
 *   countermeasure was done, when the long-term fix is due.
 * - `action_contacts`: the department head's contacts with the customer about the corrective
 *   result (which action, which case, when, how, a note, who): append-only (`column` lock on
 *   `contacted_at`).
 * - Sealing: an action locks when every case it answers is sealed (`cases` mode); links and
 *   contacts lock with their sealed case (`case` mode), which also refuses new ones for a sealed case.
 * - Audit: each event names the case the request was made on (the case an action was created or
 *   linked on; for a status change, the case that opened it unless sealed, else its latest open
 *   case); the other cases reach the action's events through `action_cases`.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE corrective_actions (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      type text NOT NULL,
      description text NOT NULL,
      owner_department_id uuid NOT NULL,
      owner_id uuid,
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'planned',
      effective boolean,
      verified_by uuid,
      verified_at timestamptz,
      supplier_name text,
      supplier_ref text,
      countermeasure_done_at timestamptz,
      long_term_due_at timestamptz,
      opened_on uuid NOT NULL,
      created_by uuid,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT corrective_actions_pkey PRIMARY KEY (id),
      CONSTRAINT corrective_actions_department_fk FOREIGN KEY (owner_department_id) REFERENCES departments (id),
      CONSTRAINT corrective_actions_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id),
      CONSTRAINT corrective_actions_verified_by_fk FOREIGN KEY (verified_by) REFERENCES users (id),
      CONSTRAINT corrective_actions_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id),
      CONSTRAINT corrective_actions_opened_on_fk FOREIGN KEY (opened_on) REFERENCES complaints (id),
      CONSTRAINT corrective_actions_type_check CHECK (type IN ('containment', 'corrective', 'preventive', 'supplier_long_term')),
      CONSTRAINT corrective_actions_status_check CHECK (status IN ('planned', 'in_progress', 'done', 'verified')),
      CONSTRAINT corrective_actions_description_check CHECK (char_length(description) BETWEEN 1 AND 5000),
      CONSTRAINT corrective_actions_verification_check CHECK (
        (effective IS NULL) = (verified_at IS NULL) AND (verified_at IS NULL OR verified_by IS NOT NULL)
        AND (status <> 'verified' OR effective)),
      CONSTRAINT corrective_actions_supplier_check CHECK (type <> 'supplier_long_term' OR supplier_name IS NOT NULL),
      CONSTRAINT corrective_actions_supplier_name_check CHECK (char_length(supplier_name) BETWEEN 1 AND 200),
      CONSTRAINT corrective_actions_supplier_ref_check CHECK (char_length(supplier_ref) BETWEEN 1 AND 200)
    );
    -- The register: by due time (keyset), and a department head's own.
    CREATE INDEX corrective_actions_due_idx ON corrective_actions (due_at, id);
    CREATE INDEX corrective_actions_department_idx ON corrective_actions (owner_department_id, due_at, id);

    CREATE TABLE action_cases (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      action_id uuid NOT NULL,
      complaint_id uuid NOT NULL,
      linked_by uuid,
      linked_at timestamptz NOT NULL,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT action_cases_pkey PRIMARY KEY (id),
      CONSTRAINT action_cases_link_key UNIQUE (action_id, complaint_id),
      CONSTRAINT action_cases_action_fk FOREIGN KEY (action_id) REFERENCES corrective_actions (id),
      CONSTRAINT action_cases_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT action_cases_linked_by_fk FOREIGN KEY (linked_by) REFERENCES users (id)
    );
    -- A case's actions (the panel, the guards).
    CREATE INDEX action_cases_complaint_idx ON action_cases (complaint_id, linked_at);

    CREATE TABLE action_contacts (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      action_id uuid NOT NULL,
      complaint_id uuid NOT NULL,
      contacted_at timestamptz NOT NULL,
      via text NOT NULL,
      note text NOT NULL,
      contacted_by uuid,
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT action_contacts_pkey PRIMARY KEY (id),
      CONSTRAINT action_contacts_link_fk FOREIGN KEY (action_id, complaint_id) REFERENCES action_cases (action_id, complaint_id),
      CONSTRAINT action_contacts_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT action_contacts_by_fk FOREIGN KEY (contacted_by) REFERENCES users (id),
      CONSTRAINT action_contacts_via_check CHECK (via IN ('email', 'post', 'in_person', 'phone')),
      CONSTRAINT action_contacts_note_check CHECK (char_length(note) BETWEEN 1 AND 5000)
    );
    CREATE INDEX action_contacts_action_idx ON action_contacts (action_id, contacted_at, id);

    SELECT attach_lock_trigger('corrective_actions', 'cases', 'action_cases', 'action_id', 'complaint_id');
    SELECT attach_lock_trigger('action_cases', 'column', 'linked_at');
    SELECT attach_lock_trigger('action_cases', 'case');
    SELECT attach_lock_trigger('action_contacts', 'column', 'contacted_at');
    SELECT attach_lock_trigger('action_contacts', 'case');
  `);
};
