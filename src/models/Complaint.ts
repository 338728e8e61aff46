import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { Category, Channel, ContactChannel, Harm, Kind, Severity, TimeBarredDecision } from '../domain/entries';
import type { RecurrenceCriterion } from '../domain/recurrence';
import type { Stage } from '../domain/workflow';
import { audited } from './audited';
import type { CaseClock } from './CaseClock';
import type { Customer } from './Customer';

/** `category`: only in entries logged before migration 0006, when the category alone counted. */
export type RecurrenceMatchedBy = RecurrenceCriterion | 'category';

/**
 * One earlier complaint that made this one recurring: which criteria matched, and the value each
 * matched on (`lotRef: 'L-77'`), so the case can say "same lot L-77 as KN-2026-000031".
 * Entries logged before 0006 have `matchedBy` only.
 */
export interface RecurrenceMatch {
  id: string;
  reference: string;
  receivedAt: string;
  matchedBy: RecurrenceMatchedBy[];
  customerId?: string;
  productRef?: string;
  lotRef?: string;
  supplierRef?: string;
}

export interface Recurrence {
  periodDays: number;
  /** Every criterion that matched some earlier entry. */
  matchedBy: RecurrenceMatchedBy[];
  /** Newest first, at most 20. */
  earlier: RecurrenceMatch[];
}

/** An entry of the feedback log book: a complaint (full procedure) or feedback (answered on the spot). */
export class Complaint extends Model<InferAttributes<Complaint>, InferCreationAttributes<Complaint>> {
  declare id: CreationOptional<string>;
  declare reference: string;
  declare kind: Kind;
  declare refYear: number;
  declare refNumber: number;
  declare status: Stage;
  declare heldStatus: Stage | null;
  declare round: CreationOptional<number>;
  declare customerId: string;
  declare channel: Channel;
  declare receivedAt: Date;
  declare incidentDate: string;
  declare category: Category;
  declare subject: string;
  declare description: string;
  declare severity: Severity;
  declare harm: Harm;
  declare safetyImpact: boolean;
  declare brandImpact: boolean;
  declare productRef: string | null;
  declare lotRef: string | null;
  declare supplierRef: string | null;
  declare timeBarred: boolean;
  declare filingWindowEndsAt: Date;
  declare timeBarredDecision: TimeBarredDecision | null;
  declare timeBarredNote: string | null;
  declare regulatoryReviewRequired: boolean;
  declare meetingRequired: boolean;
  declare recurring: boolean;
  declare recurrence: Recurrence | null;
  /** The earliest due time among its running clocks (`nextDueAt` of domain/clocks), kept with them: the queue's sort key. */
  declare nextDueAt: Date | null;
  declare acknowledgedAt: Date | null;
  declare acknowledgedVia: ContactChannel | null;
  declare firstRepliedAt: Date | null;
  declare firstReplyVia: ContactChannel | null;
  declare negotiationStartedAt: Date | null;
  declare resolvedAt: Date | null;
  declare closedAt: Date | null;
  declare resolution: string | null;
  declare stageEnteredAt: Date;
  declare assigneeId: string | null;
  declare createdBy: string | null;
  declare searchText: string;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare customer?: NonAttribute<Customer>;
  /** Its clocks (case_clocks), when loaded: the presenter's `due.*` come from them. */
  declare clocks?: NonAttribute<CaseClock[]>;

  static initModel(sequelize: Sequelize): void {
    // Fresh objects per attribute: Sequelize writes the column name into each definition it is given.
    const date = () => ({ type: DataTypes.DATE, allowNull: true });
    const text = (n: number) => ({ type: DataTypes.STRING(n), allowNull: true });
    Complaint.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        reference: { type: DataTypes.STRING(20), allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        refYear: { type: DataTypes.INTEGER, allowNull: false },
        refNumber: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        heldStatus: text(16),
        round: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        customerId: { type: DataTypes.UUID, allowNull: false },
        channel: { type: DataTypes.STRING(16), allowNull: false },
        receivedAt: { type: DataTypes.DATE, allowNull: false },
        incidentDate: { type: DataTypes.DATEONLY, allowNull: false },
        category: { type: DataTypes.STRING(32), allowNull: false },
        subject: { type: DataTypes.STRING(300), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false },
        severity: { type: DataTypes.STRING(16), allowNull: false },
        harm: { type: DataTypes.STRING(16), allowNull: false },
        safetyImpact: { type: DataTypes.BOOLEAN, allowNull: false },
        brandImpact: { type: DataTypes.BOOLEAN, allowNull: false },
        productRef: text(100),
        lotRef: text(100),
        supplierRef: text(100),
        timeBarred: { type: DataTypes.BOOLEAN, allowNull: false },
        filingWindowEndsAt: { type: DataTypes.DATE, allowNull: false },
        timeBarredDecision: text(24),
        timeBarredNote: { type: DataTypes.TEXT, allowNull: true },
        regulatoryReviewRequired: { type: DataTypes.BOOLEAN, allowNull: false },
        meetingRequired: { type: DataTypes.BOOLEAN, allowNull: false },
        recurring: { type: DataTypes.BOOLEAN, allowNull: false },
        recurrence: { type: DataTypes.JSONB, allowNull: true },
        nextDueAt: date(),
        acknowledgedAt: date(),
        acknowledgedVia: text(16),
        firstRepliedAt: date(),
        firstReplyVia: text(16),
        negotiationStartedAt: date(),
        resolvedAt: date(),
        closedAt: date(),
        resolution: { type: DataTypes.TEXT, allowNull: true },
        stageEnteredAt: { type: DataTypes.DATE, allowNull: false },
        assigneeId: { type: DataTypes.UUID, allowNull: true },
        createdBy: { type: DataTypes.UUID, allowNull: true },
        searchText: { type: DataTypes.TEXT, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Complaint', tableName: 'complaints', version: true },
    );
    // The derived search column would only repeat the text fields in every event.
    audited(Complaint, { omit: ['searchText'] });
  }
}
