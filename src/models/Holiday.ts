import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { CalendarDayKind } from '../domain/holidays';
import { audited } from './audited';

/**
 * A day of the holiday calendar. A `holiday` is a day off: working-day limits and business-hour
 * SLAs skip it. A `working_day` is a make-up working day (ngày làm bù) on a Saturday or Sunday:
 * they count it. `provisional` marks a day computed by the statutory rule for a year without a
 * published schedule, until the sysadmin confirms the year.
 */
export class Holiday extends Model<InferAttributes<Holiday>, InferCreationAttributes<Holiday>> {
  declare id: CreationOptional<string>;
  declare date: string;
  declare nameVi: string;
  declare nameEn: string;
  declare kind: CreationOptional<CalendarDayKind>;
  declare provisional: CreationOptional<boolean>;
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
        // The table's CHECK constraint holds it to CALENDAR_DAY_KINDS.
        kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'holiday' },
        provisional: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Holiday', tableName: 'holidays', version: true },
    );
    audited(Holiday);
  }
}
