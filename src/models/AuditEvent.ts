import { randomBytes, randomUUID } from 'node:crypto';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import { currentContext, currentTransaction, type Actor } from '../lib/context';
import { canonicalJson } from '../domain/canonical';
import { AUDIT_FORMAT, chainKey, contentHash, eventSigningMessage, type AuditBody, type AuditContent } from '../domain/auditChain';
import { auditKeyring } from '../audit/keys';
import { now } from '../lib/clock';

/**
 * One entry of the append-only audit trail. Written only through `recordAudit`; never updated.
 * The columns are its signed body (src/domain/auditChain.ts); its content (actor label, ip,
 * changes, meta) is the `content` row, which disposal may remove.
 */
export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare position: CreationOptional<number>;
  declare id: string;
  declare format: number;
  declare chainKey: string;
  declare seq: number;
  declare prevHash: string;
  declare hash: string;
  declare occurredAt: Date;
  declare actorId: string | null;
  declare actorRoles: string[];
  declare action: string;
  declare entityType: string;
  declare entityId: string | null;
  declare complaintId: string | null;
  declare op: AuditBody['op'];
  declare requestId: string | null;
  declare contentHash: string;
  declare keyId: string;
  declare signature: string;
  declare txId: CreationOptional<string>;

  declare content?: NonAttribute<AuditEventContent | null>;

  /** The body exactly as it was signed and hashed, rebuilt from the stored columns. */
  toBody(): AuditBody {
    return auditBodyOf(this);
  }

  /** The event's content, or null once disposal removed it (loaded with the event by the default scope). */
  contentValue(): AuditContent | null {
    return (this.content?.content as AuditContent | undefined) ?? null;
  }

  get actorLabel(): NonAttribute<string> | null {
    return (this.contentValue()?.actorLabel ?? null) as NonAttribute<string> | null;
  }

  get ip(): NonAttribute<string> | null {
    return (this.contentValue()?.ip ?? null) as NonAttribute<string> | null;
  }

  get changes(): NonAttribute<Record<string, unknown>> | null {
    return (this.contentValue()?.changes ?? null) as NonAttribute<Record<string, unknown>> | null;
  }

  get meta(): NonAttribute<Record<string, unknown>> | null {
    return (this.contentValue()?.meta ?? null) as NonAttribute<Record<string, unknown>> | null;
  }

  static initModel(sequelize: Sequelize): void {
    AuditEvent.init(
      {
        position: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        id: { type: DataTypes.UUID, allowNull: false },
        format: DataTypes.SMALLINT,
        chainKey: DataTypes.TEXT,
        seq: DataTypes.BIGINT,
        prevHash: DataTypes.CHAR(64),
        hash: DataTypes.CHAR(64),
        occurredAt: DataTypes.DATE,
        actorId: DataTypes.UUID,
        actorRoles: DataTypes.ARRAY(DataTypes.TEXT),
        action: DataTypes.STRING(64),
        entityType: DataTypes.STRING(64),
        entityId: DataTypes.TEXT,
        complaintId: DataTypes.UUID,
        op: DataTypes.STRING(8),
        requestId: DataTypes.TEXT,
        contentHash: DataTypes.CHAR(64),
        keyId: DataTypes.TEXT,
        signature: DataTypes.TEXT,
        txId: DataTypes.TEXT,
      },
      { sequelize, modelName: 'AuditEvent', tableName: 'audit_events', timestamps: false },
    );
  }
}

/** An event's purgeable content (`audit_event_contents`), keyed by the event's id. */
export class AuditEventContent extends Model<InferAttributes<AuditEventContent>, InferCreationAttributes<AuditEventContent>> {
  declare eventId: string;
  declare complaintId: string | null;
  declare salt: string;
  declare content: unknown;

  static initModel(sequelize: Sequelize): void {
    AuditEventContent.init(
      {
        eventId: { type: DataTypes.UUID, primaryKey: true },
        complaintId: DataTypes.UUID,
        salt: DataTypes.TEXT,
        content: DataTypes.JSONB,
      },
      { sequelize, modelName: 'AuditEventContent', tableName: 'audit_event_contents', timestamps: false },
    );
    AuditEvent.hasOne(AuditEventContent, { foreignKey: 'eventId', sourceKey: 'id', as: 'content', constraints: false });
    // An event is read with its content: one LEFT JOIN on the content's primary key.
    AuditEvent.addScope('defaultScope', { include: [{ model: AuditEventContent, as: 'content' }] }, { override: true });
  }
}

/** The stored columns an event's body covers, as a model or a raw row (camelCased) carries them. */
export interface AuditColumns {
  format: number;
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string | null;
  complaintId: string | null;
  op: AuditBody['op'];
  requestId: string | null;
  contentHash: string;
  keyId: string;
}

/** Rebuilds the signed body from stored columns; the verifier and the model share it. */
export function auditBodyOf(row: AuditColumns): AuditBody {
  return {
    v: row.format,
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actorId: row.actorId,
    actorRoles: row.actorRoles,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    complaintId: row.complaintId,
    op: row.op,
    requestId: row.requestId,
    contentHash: row.contentHash,
    keyId: row.keyId,
  };
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string | null;
  changes?: unknown;
  meta?: unknown;
  /** Overrides the context's actor (e.g. a failed login names no user). */
  actor?: Actor;
  /** The case the event belongs to; a Complaint's own events name it without being told. */
  complaintId?: string | null;
  /** Set by the audited-model hooks only: what they did to the row. */
  op?: AuditBody['op'];
}

/**
 * Appends an audit event to its entity's chain inside the current transaction. Refuses to run
 * outside one: an audit row that could commit without its change (or the reverse) is worthless.
 */
export async function recordAudit(input: AuditInput, options: { transaction?: Transaction | null } = {}): Promise<void> {
  const sequelize = AuditEvent.sequelize;
  if (!sequelize) throw new Error('AuditEvent is not initialised');
  const transaction = auditTransaction(input, options.transaction);
  // Bound, not inlined: the statement text stays the same and a 3 KB body is not escaped into it.
  await sequelize.query(AUDIT_APPEND_SQL, { bind: auditAppendArgs(input), transaction });
}

/** The transaction an audit event joins; refuses to go on without one. */
export function auditTransaction(input: Pick<AuditInput, 'action'>, given?: Transaction | null): Transaction {
  const transaction = given ?? (currentTransaction() as Transaction | undefined);
  if (!transaction) throw new Error(`Audit event "${input.action}" written outside a transaction`);
  return transaction;
}

/** One append: `audit_append(chain_key, body, signature, salt, content)`. */
export const AUDIT_APPEND_SQL = 'SELECT audit_append($1, $2, $3, $4, $5)';

/**
 * The five arguments of `audit_append` for an event: its chain, its canonical body signed with
 * the application's key, the salt and the canonical content — with the actor, request id and ip
 * of the current context.
 */
export function auditAppendArgs(input: AuditInput): [string, string, string, string, string] {
  const ctx = currentContext();
  const actor = input.actor ?? ctx?.actor;
  if (!actor) throw new Error(`Audit event "${input.action}" written without an actor`);
  const keyring = auditKeyring();
  const content: AuditContent = {
    actorLabel: actor.label ?? null,
    ip: ctx?.ip ?? null,
    changes: input.changes ?? null,
    meta: input.meta ?? null,
  };
  const salt = randomBytes(16).toString('hex');
  const contentJson = canonicalJson(content);
  const body: AuditBody = {
    v: AUDIT_FORMAT,
    id: randomUUID(),
    occurredAt: now().toISOString(),
    actorId: actor.userId,
    actorRoles: [...actor.roles],
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    complaintId: input.complaintId ?? (input.entityType === 'Complaint' ? input.entityId : null),
    op: input.op ?? null,
    requestId: ctx?.requestId ?? null,
    contentHash: contentHash(salt, contentJson),
    keyId: keyring.keyId,
  };
  const bodyJson = canonicalJson(body);
  return [chainKey(input.entityType, input.entityId), bodyJson, keyring.sign(eventSigningMessage(bodyJson)), salt, contentJson];
}
