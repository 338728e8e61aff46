import { Op, QueryTypes, type Model, type ModelStatic } from 'sequelize';
import { sequelize } from '../db';
import { canonicalJson } from '../domain/canonical';
import { formatReference, type Kind } from '../domain/entries';
import { auditedModels, present } from '../models/audited';

export interface VerificationFailure {
  id: string;
  reason: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FLUSH_AT = 500;

interface Replay {
  state: Record<string, unknown>;
  alive: boolean;
  /** False when an event's content is gone (disposal): the state cannot be rebuilt. */
  complete: boolean;
  complaintId: string | null;
  started: boolean;
}

/** An event as the replay needs it. */
export interface ReplayEvent {
  entityType: string;
  entityId: string | null;
  complaintId: string | null;
  op: 'create' | 'update' | 'delete' | null;
  changes: unknown;
  hasContent: boolean;
}

const labelOf = (type: string, id: string, row?: Model) => {
  const reference = row && type === 'Complaint' ? (row.get('reference') as string | undefined) : undefined;
  return reference ? `${type}:${id} (${reference})` : `${type}:${id}`;
};

/**
 * Rebuilds each audited record's current state from its trail (the hooks' create, update and
 * delete events, in chain order) and compares it with the stored row, in batches: a row changed,
 * removed or resurrected outside the application is reported by name. Records of a disposed
 * case, and customers erased with their last case, are not compared (purged on purpose).
 */
/**
 * What disposal purged on purpose, as the signed `complaint.disposed` events say: cases, and the
 * records of customers erased with their last case (`Customer:<id>` and their services,
 * `CustomerService:<id>`).
 */
export interface Purged {
  cases: ReadonlySet<string>;
  entities: ReadonlySet<string>;
}

export const isPurged = (p: Purged, e: { complaintId: string | null; entityType: string; entityId: string | null }): boolean =>
  (e.complaintId !== null && p.cases.has(e.complaintId)) || (e.entityId !== null && p.entities.has(`${e.entityType}:${e.entityId}`));

export class RecordReplayer {
  private pending = new Map<string, Map<string, Replay>>();
  compared = 0;

  constructor(
    private readonly failures: VerificationFailure[],
    private readonly purged: Purged,
  ) {}

  async add(e: ReplayEvent): Promise<void> {
    if (!e.op || e.entityId === null) return;
    const audited = auditedModels().get(e.entityType);
    if (!audited) return;
    let byId = this.pending.get(e.entityType);
    if (!byId) this.pending.set(e.entityType, (byId = new Map()));
    let replay = byId.get(e.entityId);
    if (!replay) byId.set(e.entityId, (replay = { state: {}, alive: false, complete: true, complaintId: e.complaintId, started: false }));
    if (!e.hasContent) replay.complete = false;
    const first = !replay.started;
    replay.started = true;
    const changes = (e.changes ?? {}) as { after?: Record<string, unknown> | null };
    if (e.op === 'create') {
      replay.state = { ...(changes.after ?? {}) };
      replay.alive = true;
    } else if (e.op === 'update') {
      // A chain that starts with an update is a record older than its trail (reference data a
      // migration corrected): what the updates set is compared.
      if (first) replay.alive = true;
      Object.assign(replay.state, changes.after ?? {});
    } else {
      replay.alive = false;
    }
    if (byId.size >= FLUSH_AT) await this.flush(e.entityType);
  }

  async flushAll(): Promise<void> {
    for (const type of [...this.pending.keys()]) await this.flush(type);
  }

  private async flush(type: string): Promise<void> {
    const byId = this.pending.get(type);
    this.pending.delete(type);
    if (!byId?.size) return;
    const audited = auditedModels().get(type)!;
    const model = audited.model as ModelStatic<Model>;
    const pk = model.primaryKeyAttribute;
    const uuidKey = (model.getAttributes()[pk].type as { key?: string }).key === 'UUID';
    const ids = [...byId.keys()].filter((id) => {
      if (!uuidKey || UUID.test(id)) return true;
      this.failures.push({ id: `${type}:${id}`, reason: 'the trail names a record id that cannot exist' });
      return false;
    });
    const rows = await model.findAll({ where: { [pk]: { [Op.in]: ids } } });
    const found = new Map(rows.map((r) => [String(r.get(pk)), r]));
    const attributes = model.getAttributes();
    for (const id of ids) {
      const replay = byId.get(id)!;
      const row = found.get(id);
      if (replay.alive && !row) {
        this.failures.push({ id: `${type}:${id}`, reason: 'the record was removed outside the application: its trail says it exists' });
        continue;
      }
      if (!replay.alive && row) {
        this.failures.push({ id: labelOf(type, id, row), reason: 'the record exists, but its trail never created it or says it was deleted' });
        continue;
      }
      if (!row || !replay.complete || isPurged(this.purged, { complaintId: replay.complaintId, entityType: type, entityId: id })) continue;
      this.compared++;
      const differing: string[] = [];
      for (const [field, expected] of Object.entries(replay.state)) {
        if (audited.redact.has(field) || audited.ignored.has(field) || !(field in attributes)) continue;
        if (canonicalJson(expected ?? null) !== canonicalJson(present(row.get(field)) ?? null)) differing.push(field);
      }
      if (differing.length)
        this.failures.push({
          id: labelOf(type, id, row),
          reason: `the stored record differs from its trail in ${differing.join(', ')}: it was changed outside the application`,
        });
    }
  }
}

/** Audited rows that have no trail at all: inserted outside the application. */
export async function recordsWithoutTrail(failures: VerificationFailure[]): Promise<void> {
  const s = sequelize();
  for (const { model, entityType } of auditedModels().values()) {
    const attribute = model.getAttributes()[model.primaryKeyAttribute] as { field?: string };
    const column = attribute.field ?? model.primaryKeyAttribute;
    const rows = await s.query<{ id: string }>(
      `SELECT t."${column}"::text AS id FROM "${model.getTableName() as string}" t
        WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain_key = :prefix || t."${column}"::text)
        ORDER BY 1 LIMIT 100`,
      { replacements: { prefix: `${entityType}:` }, type: QueryTypes.SELECT },
    );
    for (const r of rows) failures.push({ id: `${entityType}:${r.id}`, reason: 'the record has no audit trail: it was written outside the application' });
  }
}

/**
 * The log book: every number each (kind, year) counter has handed out belongs to an entry, and no
 * entry carries a number its counter has not reached. A deleted entry leaves a gap even when its
 * whole chain went with it.
 */
export async function verifyLogBook(failures: VerificationFailure[]): Promise<void> {
  const s = sequelize();
  const gaps = await s.query<{ kind: Kind; year: number; n: number }>(
    `SELECT rc.kind, rc.year, n.n FROM reference_counters rc
       CROSS JOIN LATERAL generate_series(1, rc.last_number) AS n(n)
       LEFT JOIN complaints c ON c.kind = rc.kind AND c.ref_year = rc.year AND c.ref_number = n.n
      WHERE c.id IS NULL ORDER BY rc.kind, rc.year, n.n LIMIT 200`,
    { type: QueryTypes.SELECT },
  );
  for (const g of gaps)
    failures.push({ id: `logbook:${formatReference(g.kind, g.year, g.n)}`, reason: 'the log book handed out this number but no entry has it: an entry was deleted' });
  const beyond = await s.query<{ reference: string }>(
    `SELECT c.reference FROM complaints c LEFT JOIN reference_counters rc ON rc.kind = c.kind AND rc.year = c.ref_year
      WHERE rc.kind IS NULL OR c.ref_number > rc.last_number ORDER BY c.reference LIMIT 200`,
    { type: QueryTypes.SELECT },
  );
  for (const b of beyond)
    failures.push({ id: `logbook:${b.reference}`, reason: 'the entry carries a number its log book never handed out: the counter was rolled back or the entry inserted' });
}
