import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';

/**
 * One proposed solution of a case (migration 0017): quality's text, the round it answers and its
 * number among the case's proposals, and the CS director's review of it — written once
 * (approved, or returned with the reasons), after which the row never changes.
 */
export class Solution extends Model<InferAttributes<Solution>, InferCreationAttributes<Solution>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare round: number;
  /** 1, 2, … within the case: each proposal and each re-proposal is a new one. */
  declare number: number;
  declare summary: string;
  declare proposedBy: string | null;
  declare proposedAt: Date;
  declare reviewedBy: CreationOptional<string | null>;
  declare reviewedAt: CreationOptional<Date | null>;
  declare approved: CreationOptional<boolean | null>;
  declare reviewComment: CreationOptional<string | null>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Solution.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        round: { type: DataTypes.SMALLINT, allowNull: false },
        number: { type: DataTypes.INTEGER, allowNull: false },
        summary: { type: DataTypes.TEXT, allowNull: false },
        proposedBy: DataTypes.UUID,
        proposedAt: { type: DataTypes.DATE, allowNull: false },
        reviewedBy: DataTypes.UUID,
        reviewedAt: DataTypes.DATE,
        approved: DataTypes.BOOLEAN,
        reviewComment: DataTypes.TEXT,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Solution', tableName: 'solutions', version: true },
    );
    audited(Solution);
  }
}
