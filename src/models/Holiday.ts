import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';

/** A day off in the holiday calendar: working-day limits and business-hour SLAs skip it. */
export class Holiday extends Model<InferAttributes<Holiday>, InferCreationAttributes<Holiday>> {
  declare id: CreationOptional<string>;
  declare date: string;
  declare nameVi: string;
  declare nameEn: string;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Holiday.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        date: { type: DataTypes.DATEONLY, allowNull: false },
        nameVi: { type: DataTypes.STRING(200), allowNull: false },
        nameEn: { type: DataTypes.STRING(200), allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Holiday', tableName: 'holidays', version: true },
    );
    audited(Holiday);
  }
}
