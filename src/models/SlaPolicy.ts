import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { SlaMode } from '../domain/deadlines';
import type { Severity, Tier } from '../domain/entries';
import type { SlaStage } from '../domain/workflow';
import { audited } from './audited';

/** A stage target for a severity and customer tier (either may be null: any). The most specific row wins. */
export class SlaPolicy extends Model<InferAttributes<SlaPolicy>, InferCreationAttributes<SlaPolicy>> {
  declare id: CreationOptional<string>;
  declare stage: SlaStage;
  declare severity: Severity | null;
  declare tier: Tier | null;
  declare targetMinutes: number;
  declare mode: SlaMode;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SlaPolicy.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        stage: { type: DataTypes.STRING(16), allowNull: false },
        severity: DataTypes.STRING(16),
        tier: DataTypes.STRING(16),
        targetMinutes: { type: DataTypes.INTEGER, allowNull: false },
        mode: { type: DataTypes.STRING(16), allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'SlaPolicy', tableName: 'sla_policies', version: true },
    );
    audited(SlaPolicy);
  }
}
