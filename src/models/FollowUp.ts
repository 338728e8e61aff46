import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { ContactChannel } from '../domain/entries';
import { audited } from './audited';

/** A follow-up outcome (migration 0017): quality contacted the customer — when, how, satisfied or not, a note. Never changed. */
export class FollowUp extends Model<InferAttributes<FollowUp>, InferCreationAttributes<FollowUp>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare round: number;
  declare contactedAt: Date;
  declare via: ContactChannel;
  declare satisfied: boolean;
  declare note: string;
  declare recordedBy: string | null;
  declare recordedAt: Date;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    FollowUp.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        round: { type: DataTypes.SMALLINT, allowNull: false },
        contactedAt: { type: DataTypes.DATE, allowNull: false },
        via: { type: DataTypes.TEXT, allowNull: false },
        satisfied: { type: DataTypes.BOOLEAN, allowNull: false },
        note: { type: DataTypes.TEXT, allowNull: false },
        recordedBy: DataTypes.UUID,
        recordedAt: { type: DataTypes.DATE, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'FollowUp', tableName: 'follow_ups', version: true },
    );
    audited(FollowUp);
  }
}
