import { Model, type ModelStatic, type Transaction } from 'sequelize';
import { auditAppendArgs, auditTransaction, recordAudit, type AuditInput } from './AuditEvent';

/** What the verifier needs to replay an audited model's rows from their trail. */
export interface AuditedModel {
  model: ModelStatic<Model>;
  entityType: string;
  /** Fields the trail records as "[redacted]": their values cannot be compared. */
  redact: ReadonlySet<string>;
  /** Fields the trail leaves out. */
  ignored: ReadonlySet<string>;
}

const registry = new Map<string, AuditedModel>();

/** Every audited model, by entity type (the trail's `entity_type`). */
export function auditedModels(): ReadonlyMap<string, AuditedModel> {
  return registry;
}

export interface AuditOptions {
  /** Entity type written on the event; defaults to the model name. */
  entityType?: string;
  /** Fields whose values never enter the trail: a change is recorded as "[redacted]". */
  redact?: readonly string[];
  /** Derived fields left out of the trail entirely (they only repeat other fields). */
  omit?: readonly string[];
  /**
   * The case a row belongs to, written on each of its events (indexed: a case's whole trail is one
   * read). Defaults to the row's own id for Complaint and to its `complaintId` attribute otherwise.
   */
  caseOf?: (instance: Model) => string | null;
}

/** Options a command may pass to `save`/`create`/`destroy` to name the event and add context. */
export interface AuditSaveOptions {
  auditAction?: string;
  auditMeta?: unknown;
}

const IGNORED = new Set(['createdAt', 'updatedAt', 'version']);

/** A value as the trail records it (the verifier presents a stored row the same way to compare). */
export function present(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  return value ?? null;
}

type HookOptions = { transaction?: Transaction | null } & AuditSaveOptions;
type AnyModel = Model & { constructor: { name: string } };

type CreationEvent = (instance: AnyModel, opts: AuditSaveOptions) => AuditInput;
const creationEvents = new Map<ModelStatic<Model>, CreationEvent>();

/**
 * Makes every create, update and destroy of `model` write an audit event (before/after of the
 * changed fields) in the same transaction. Bulk operations are run row by row so no change
 * escapes the trail.
 */
export function audited(model: ModelStatic<Model>, options: AuditOptions = {}): void {
  const entityType = options.entityType ?? model.name;
  const redact = new Set(options.redact ?? []);
  const ignored = new Set([...IGNORED, ...(options.omit ?? [])]);
  const value = (field: string, v: unknown) => (redact.has(field) ? '[redacted]' : present(v));
  const verb = entityType.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());
  const idOf = (instance: AnyModel) => String(instance.get(model.primaryKeyAttribute));
  const hasComplaintId = 'complaintId' in model.getAttributes();
  const caseOf =
    options.caseOf ??
    ((instance: Model): string | null =>
      entityType === 'Complaint' ? idOf(instance as AnyModel) : hasComplaintId ? ((instance.get('complaintId') as string | null) ?? null) : null);
  registry.set(entityType, { model, entityType, redact, ignored });

  const created = (instance: AnyModel, opts: AuditSaveOptions): AuditInput => {
    const after: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(instance.get({ plain: true }) as Record<string, unknown>)) {
      if (!ignored.has(k)) after[k] = value(k, v);
    }
    return { action: opts.auditAction ?? `${verb}.created`, entityType, entityId: idOf(instance), complaintId: caseOf(instance), op: 'create', changes: { after }, meta: opts.auditMeta };
  };
  creationEvents.set(model, created);

  // Refused before the row is written: a row without its event must never reach the database.
  const inTransaction = (action: string) => (_instance: unknown, opts: HookOptions) => {
    auditTransaction({ action }, opts.transaction);
  };
  model.addHook('beforeCreate', 'audit', inTransaction(`${verb}.created`));
  model.addHook('beforeUpdate', 'audit', inTransaction(`${verb}.updated`));
  model.addHook('beforeDestroy', 'audit', inTransaction(`${verb}.deleted`));

  model.addHook('afterCreate', 'audit', async (instance: AnyModel, opts: HookOptions) => {
    await recordAudit(created(instance, opts), { transaction: opts.transaction });
  });

  model.addHook('afterUpdate', 'audit', async (instance: AnyModel, opts: HookOptions) => {
    const changed = (instance.changed() || []).filter((k) => !ignored.has(k));
    if (changed.length === 0 && !opts.auditAction) return;
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const k of changed) {
      before[k] = value(k, instance.previous(k as never));
      after[k] = value(k, instance.get(k));
    }
    await recordAudit(
      { action: opts.auditAction ?? `${verb}.updated`, entityType, entityId: idOf(instance), complaintId: caseOf(instance), op: 'update', changes: { before, after }, meta: opts.auditMeta },
      { transaction: opts.transaction },
    );
  });

  model.addHook('afterDestroy', 'audit', async (instance: AnyModel, opts: HookOptions) => {
    const before: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(instance.get({ plain: true }) as Record<string, unknown>)) if (!ignored.has(k)) before[k] = value(k, v);
    await recordAudit(
      { action: opts.auditAction ?? `${verb}.deleted`, entityType, entityId: idOf(instance), complaintId: caseOf(instance), op: 'delete', changes: { before }, meta: opts.auditMeta },
      { transaction: opts.transaction },
    );
  });

  const rowByRow = (opts: { individualHooks?: boolean }) => {
    opts.individualHooks = true;
  };
  model.addHook('beforeBulkCreate', 'audit', (_instances: unknown, opts: { individualHooks?: boolean }) => rowByRow(opts));
  model.addHook('beforeBulkUpdate', 'audit', rowByRow);
  model.addHook('beforeBulkDestroy', 'audit', rowByRow);
}

/** A built row of an audited model with its INSERT values and its signed `created` event, ready for `insertAudited`. */
export interface PreparedInsert<M extends Model = Model> {
  row: M;
  table: string;
  columns: string;
  record: string;
  args: string[];
}

/**
 * Everything `insertAudited` needs for one row, computed now: its column values and its signed
 * `created` event. Intake prepares the rows that do not depend on the log-book number before it
 * takes the number, so the counter's lock is held for as little JavaScript as possible.
 */
export function prepareInsert<M extends Model>(row: M, options: AuditSaveOptions = {}): PreparedInsert<M> {
  const model = row.constructor as ModelStatic<M>;
  const created = creationEvents.get(model as ModelStatic<Model>);
  if (!created) throw new Error(`${model.name} is not audited`);
  const attributes = model.getAttributes() as Record<string, { field?: string }>;
  const now = new Date();
  if ('createdAt' in attributes) row.set('createdAt' as never, now as never);
  if ('updatedAt' in attributes) row.set('updatedAt' as never, now as never);
  const values = row.get({ plain: true }) as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(attributes)) if (values[name] !== undefined) record[def.field ?? name] = values[name];
  return {
    row,
    table: model.getTableName() as string,
    columns: Object.keys(record).map((c) => `"${c}"`).join(', '),
    record: JSON.stringify(record),
    args: auditAppendArgs(created(row as unknown as AnyModel, options)),
  };
}

/**
 * Inserts freshly built rows of audited models and appends their `created` events — the same
 * events the hooks write — in ONE statement (one data-modifying CTE per row, then one
 * `audit_append` per row). For the hottest write paths (intake): Sequelize's `create` costs a round
 * trip per row and per event plus ~1 ms of JavaScript each, and every round trip is time a
 * row lock taken before (a gapless counter's) stays held. Timestamps are set here (or when the
 * row was prepared); every other column must be given or have a model default (columns the model
 * does not know keep the table's defaults). `with` adds data-modifying statements of the same
 * change (not audited rows: e.g. `enqueueWith`'s outbox effect) to the same statement. Returns the
 * same instances, marked as persisted.
 */
export async function insertAudited<M extends Model>(
  rows: Array<M | PreparedInsert<M>>,
  options: { transaction?: Transaction | null; with?: ReadonlyArray<(param: (value: unknown) => string) => string> } & AuditSaveOptions = {},
): Promise<M[]> {
  if (rows.length === 0) return [];
  const transaction = auditTransaction({ action: 'insert' }, options.transaction);
  const prepared = rows.map((r) => (r instanceof Model ? prepareInsert(r, options) : r));
  const bind: unknown[] = [];
  const param = (v: unknown) => `$${bind.push(v)}`;
  const ctes = prepared.map(
    (p, i) => `i${i} AS (INSERT INTO "${p.table}" (${p.columns}) SELECT ${p.columns} FROM json_populate_record(NULL::"${p.table}", ${param(p.record)}::json))`,
  );
  // Other data-modifying statements that belong to the same change (an outbox effect): same round trip.
  for (const [i, part] of (options.with ?? []).entries()) ctes.push(`w${i} AS (${part(param)})`);
  const events = prepared.map((p) => `audit_append(${p.args.map(param).join(', ')})`);
  const sequelize = (prepared[0].row.constructor as ModelStatic<M>).sequelize!;
  await sequelize.query(`WITH ${ctes.join(', ')} SELECT ${events.join(', ')}`, { bind, transaction });
  // Leave each instance as `save` leaves a created one: stored values, nothing changed, not new.
  for (const { row } of prepared) {
    const stored = row as unknown as { _previousDataValues: Record<string, unknown> };
    for (const [field, value] of Object.entries(row.get({ plain: true }) as Record<string, unknown>)) {
      stored._previousDataValues[field] = value;
      row.changed(field as never, false);
    }
    row.isNewRecord = false;
  }
  return prepared.map((p) => p.row);
}
