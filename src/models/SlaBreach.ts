import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { ClockKind } from '../domain/clocks';
import type { BreachLevel } from '../domain/clockMarks';
import { audited } from './audited';

/**
 * One level (80 | 100 | 150 %) reached by one visit of a case's clock (migration 0022): a record
 * of the case, written once by the SLA sweep (src/jobs/slaSweepJob.ts) with its audit event.
 * `stage` is the case's status when it was detected; `assigneeId`/`departmentId` who held it.
 */
export class SlaBreach extends Model<InferAttributes<SlaBreach>, InferCreationAttributes<SlaBreach>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare clockId: string;
  declare clockKind: ClockKind;
  declare clockStartedAt: Date;
  declare dueAt: Date;
  declare level: BreachLevel;
  declare reachedAt: Date;
  declare detectedAt: Date;
  declare stage: string;
  declare assigneeId: string | null;
  declare departmentId: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    SlaBreach.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        clockId: { type: DataTypes.UUID, allowNull: false },
        clockKind: { type: DataTypes.TEXT, allowNull: false },
        clockStartedAt: { type: DataTypes.DATE, allowNull: false },
        dueAt: { type: DataTypes.DATE, allowNull: false },
        level: { type: DataTypes.SMALLINT, allowNull: false },
        reachedAt: { type: DataTypes.DATE, allowNull: false },
        detectedAt: { type: DataTypes.DATE, allowNull: false },
        stage: { type: DataTypes.TEXT, allowNull: false },
        assigneeId: { type: DataTypes.UUID, allowNull: true },
        departmentId: { type: DataTypes.UUID, allowNull: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'SlaBreach', tableName: 'sla_breaches', version: true },
    );
    audited(SlaBreach);
  }
}
