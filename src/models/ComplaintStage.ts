import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { SlaMode } from '../domain/deadlines';
import type { Stage } from '../domain/workflow';
import { audited } from './audited';

/** One visit of a case to a stage: who brought it in, who moved it on, when it was due. */
export class ComplaintStage extends Model<InferAttributes<ComplaintStage>, InferCreationAttributes<ComplaintStage>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare stage: Stage;
  declare round: number;
  declare enteredAt: Date;
  declare enteredBy: string | null;
  declare exitedAt: Date | null;
  declare exitedBy: string | null;
  declare targetMinutes: number | null;
  declare slaMode: SlaMode | null;
  declare dueAt: Date | null;
  declare note: string | null;
  declare reason: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ComplaintStage.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        stage: { type: DataTypes.STRING(16), allowNull: false },
        round: { type: DataTypes.SMALLINT, allowNull: false },
        enteredAt: { type: DataTypes.DATE, allowNull: false },
        enteredBy: DataTypes.UUID,
        exitedAt: DataTypes.DATE,
        exitedBy: DataTypes.UUID,
        targetMinutes: DataTypes.INTEGER,
        slaMode: DataTypes.STRING(16),
        dueAt: DataTypes.DATE,
        note: DataTypes.TEXT,
        reason: DataTypes.TEXT,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'ComplaintStage', tableName: 'complaint_stages', version: true },
    );
    audited(ComplaintStage);
  }
}
