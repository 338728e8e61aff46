import type { Model, ModelStatic, Transaction } from 'sequelize';
import { recordAudit } from './AuditEvent';

export interface AuditOptions {
  /** Entity type written on the event; defaults to the model name. */
  entityType?: string;
  /** Fields whose values never enter the trail: a change is recorded as "[redacted]". */
  redact?: readonly string[];
  /** Derived fields left out of the trail entirely (they only repeat other fields). */
  omit?: readonly string[];
}

/** Options a command may pass to `save`/`create`/`destroy` to name the event and add context. */
export interface AuditSaveOptions {
  auditAction?: string;
  auditMeta?: unknown;
}

const IGNORED = new Set(['createdAt', 'updatedAt', 'version']);

function present(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  return value ?? null;
}

type HookOptions = { transaction?: Transaction | null } & AuditSaveOptions;
type AnyModel = Model & { constructor: { name: string } };

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

  model.addHook('afterCreate', 'audit', async (instance: AnyModel, opts: HookOptions) => {
    const after: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(instance.get({ plain: true }) as Record<string, unknown>)) {
      if (!ignored.has(k)) after[k] = value(k, v);
    }
    await recordAudit(
      { action: opts.auditAction ?? `${verb}.created`, entityType, entityId: idOf(instance), changes: { after }, meta: opts.auditMeta },
      { transaction: opts.transaction },
    );
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
      { action: opts.auditAction ?? `${verb}.updated`, entityType, entityId: idOf(instance), changes: { before, after }, meta: opts.auditMeta },
      { transaction: opts.transaction },
    );
  });

  model.addHook('afterDestroy', 'audit', async (instance: AnyModel, opts: HookOptions) => {
    const before: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(instance.get({ plain: true }) as Record<string, unknown>)) if (!ignored.has(k)) before[k] = value(k, v);
    await recordAudit(
      { action: opts.auditAction ?? `${verb}.deleted`, entityType, entityId: idOf(instance), changes: { before }, meta: opts.auditMeta },
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
