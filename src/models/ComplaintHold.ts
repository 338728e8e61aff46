import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Stage } from '../domain/workflow';
import { audited } from './audited';

/** A spell on hold: the stage clock stops; the legal limits do not. Kept forever, visible in reports. */
export class ComplaintHold extends Model<InferAttributes<ComplaintHold>, InferCreationAttributes<ComplaintHold>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare stage: Stage;
  declare reason: string;
  declare startedAt: Date;
  declare startedBy: string | null;
  declare endedAt: Date | null;
  declare endedBy: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ComplaintHold.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        stage: { type: DataTypes.STRING(16), allowNull: false },
        reason: { type: DataTypes.TEXT, allowNull: false },
        startedAt: { type: DataTypes.DATE, allowNull: false },
        startedBy: DataTypes.UUID,
        endedAt: DataTypes.DATE,
        endedBy: DataTypes.UUID,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'ComplaintHold', tableName: 'complaint_holds', version: true },
    );
    audited(ComplaintHold);
  }
}
