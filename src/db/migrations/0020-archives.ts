import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { appendV2, presentRow } from './lib/auditV2';
import type { Migration } from './types';

const NAME = '0020-archives';

/**
 * Archives: the sealed record of a closed case (PRODUCT.md "Archive, retention and the audit
 * trail"; issue 11). docs/ARCHITECTURE.md "Archive: sealing and verification".
 *
 * - `retention_classes`: how many years after closure an archive is kept (seeded `default` 5,
 *   `regulatory_report` 10). The class and its years are copied onto the archive at sealing.
 * - `archives`: one per sealed case. `snapshot` is the canonical JSON (RFC 8785) of the whole
 *   case exactly as hashed into `sha256`; `position` orders the archive chain (1, 2, …) and
 *   `prev_sha256` is the previous archive's `sha256` (NULL for the first). Sealing takes the chain
 *   head FOR UPDATE, so the chain never forks; UNIQUE (position) and (complaint_id) hold it too.
 * - `archive_lock()`: an archive never changes except its legal-hold columns and, for disposal,
 *   `disposed_at`/`tombstone` (with its version and time); DELETE and TRUNCATE are refused always
 *   (SQLSTATE CB001 → 409 `immutable_record`). Sealing flips the case to `archived`, and the
 *   conditional seals of 0007 then lock every record of the case.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const [{ ident }] = await sequelize.query<{ ident: string }>('SELECT quote_ident(current_schema()) AS ident', { type: QueryTypes.SELECT });
  await sequelize.query(`
    CREATE TABLE retention_classes (
      key text NOT NULL,
      years integer NOT NULL,
      description text NOT NULL DEFAULT '',
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT retention_classes_pkey PRIMARY KEY (key),
      CONSTRAINT retention_classes_years_check CHECK (years >= 0)
    );
    INSERT INTO retention_classes (key, years, description) VALUES
      ('default', 5, 'Mặc định: 5 năm sau khi đóng hồ sơ'),
      ('regulatory_report', 10, 'Đã nộp báo cáo cơ quan chức năng: 10 năm');

    CREATE TABLE archives (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      complaint_id uuid NOT NULL,
      position bigint NOT NULL,
      sha256 text NOT NULL,
      prev_sha256 text,
      snapshot text NOT NULL,
      sealed_at timestamptz NOT NULL,
      sealed_by uuid,
      closed_at timestamptz NOT NULL,
      retention_class text NOT NULL,
      retention_until timestamptz NOT NULL,
      legal_hold boolean NOT NULL DEFAULT false,
      legal_hold_reason text,
      legal_hold_by uuid,
      legal_hold_at timestamptz,
      disposed_at timestamptz,
      tombstone jsonb,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT archives_pkey PRIMARY KEY (id),
      CONSTRAINT archives_complaint_key UNIQUE (complaint_id),
      CONSTRAINT archives_position_key UNIQUE (position),
      CONSTRAINT archives_complaint_fk FOREIGN KEY (complaint_id) REFERENCES complaints (id),
      CONSTRAINT archives_sealed_by_fk FOREIGN KEY (sealed_by) REFERENCES users (id),
      CONSTRAINT archives_class_fk FOREIGN KEY (retention_class) REFERENCES retention_classes (key),
      CONSTRAINT archives_legal_hold_by_fk FOREIGN KEY (legal_hold_by) REFERENCES users (id),
      CONSTRAINT archives_position_check CHECK (position >= 1),
      CONSTRAINT archives_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      CONSTRAINT archives_prev_check CHECK ((position = 1) = (prev_sha256 IS NULL))
    );
    -- The list pages by sealing time; retention reviews read by due date.
    CREATE INDEX archives_sealed_idx ON archives (sealed_at DESC, id);
    CREATE INDEX archives_retention_idx ON archives (retention_until) WHERE disposed_at IS NULL;

    CREATE FUNCTION archive_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      v_free text[] := ARRAY['legal_hold', 'legal_hold_reason', 'legal_hold_by', 'legal_hold_at', 'disposed_at', 'tombstone', 'version', 'updated_at'];
    BEGIN
      IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - v_free) = (to_jsonb(OLD) - v_free) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'CB001', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
        MESSAGE = format('%s on archives %s is refused: an archive is sealed (only its legal hold and disposal may change)',
                         TG_OP, CASE WHEN TG_LEVEL = 'ROW' THEN OLD.id::text ELSE '(all)' END);
    END $fn$;
    CREATE TRIGGER archives_lock BEFORE UPDATE OR DELETE ON ${ident}.archives
      FOR EACH ROW EXECUTE FUNCTION ${ident}.archive_lock();
    CREATE TRIGGER archives_lock_truncate BEFORE TRUNCATE ON ${ident}.archives
      FOR EACH STATEMENT EXECUTE FUNCTION ${ident}.archive_lock();
  `);

  // The seeded classes get their baseline events (format 2, signed), so the verifier compares
  // them with their trail like every other record.
  const columns = ['key', 'years', 'description'];
  const rows = await sequelize.query<Record<string, unknown>>(`SELECT ${columns.join(', ')} FROM retention_classes ORDER BY key`, { type: QueryTypes.SELECT });
  const occurredAt = new Date().toISOString();
  for (const row of rows) {
    await appendV2(sequelize, {
      id: randomUUID(),
      occurredAt,
      actorId: null,
      actorRoles: ['system'],
      actorLabel: 'migration',
      action: 'retention_class.baseline',
      entityType: 'RetentionClass',
      entityId: String(row.key),
      complaintId: null,
      op: 'create',
      requestId: null,
      ip: null,
      changes: { after: presentRow(row, columns) },
      meta: { migration: NAME },
    });
  }
};
