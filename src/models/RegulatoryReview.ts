import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { RegulatoryDecision, ReportCategory, ReviewStatus } from '../domain/regulatory';
import { audited } from './audited';

/**
 * A case's submission to the CEO for the regulatory-report decision (migration 0016): the
 * summary and category, the report's due time, the current signed decision and, for a `report`
 * decision, its filing. A filed review never changes (a database lock).
 */
export class RegulatoryReview extends Model<InferAttributes<RegulatoryReview>, InferCreationAttributes<RegulatoryReview>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare status: CreationOptional<ReviewStatus>;
  declare summary: string;
  declare reportCategory: ReportCategory;
  declare potentialSeriousHarm: boolean;
  declare reportDueAt: Date;
  declare submittedBy: string | null;
  declare submittedAt: Date;
  declare decision: CreationOptional<RegulatoryDecision | null>;
  declare rationale: CreationOptional<string | null>;
  declare signatureId: CreationOptional<string | null>;
  declare decidedBy: CreationOptional<string | null>;
  declare decidedAt: CreationOptional<Date | null>;
  declare authority: CreationOptional<string | null>;
  declare reportSubmittedAt: CreationOptional<Date | null>;
  declare referenceNo: CreationOptional<string | null>;
  declare filedBy: CreationOptional<string | null>;
  declare filedAt: CreationOptional<Date | null>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const nullable = <T>(type: T) => ({ type, allowNull: true, defaultValue: null });
    RegulatoryReview.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'awaiting_ceo' },
        summary: { type: DataTypes.TEXT, allowNull: false },
        reportCategory: { type: DataTypes.TEXT, allowNull: false },
        potentialSeriousHarm: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        reportDueAt: { type: DataTypes.DATE, allowNull: false },
        submittedBy: DataTypes.UUID,
        submittedAt: { type: DataTypes.DATE, allowNull: false },
        decision: nullable(DataTypes.TEXT),
        rationale: nullable(DataTypes.TEXT),
        signatureId: nullable(DataTypes.UUID),
        decidedBy: nullable(DataTypes.UUID),
        decidedAt: nullable(DataTypes.DATE),
        authority: nullable(DataTypes.TEXT),
        reportSubmittedAt: nullable(DataTypes.DATE),
        referenceNo: nullable(DataTypes.TEXT),
        filedBy: nullable(DataTypes.UUID),
        filedAt: nullable(DataTypes.DATE),
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'RegulatoryReview', tableName: 'regulatory_reviews', version: true },
    );
    audited(RegulatoryReview);
  }
}
