import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { CLOCK_OUTCOMES, isClockKind, type ClockKind, type ClockOutcome } from '../domain/clocks';
import { audited } from './audited';

/**
 * One clock of a case (src/domain/clocks.ts): at most one row per (case, kind). Running while
 * `outcome` is null; the SLA sweep reads running clocks by due time on a partial index (0011).
 */
export class CaseClock extends Model<InferAttributes<CaseClock>, InferCreationAttributes<CaseClock>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare kind: ClockKind;
  declare startedAt: Date;
  declare dueAt: Date | null;
  declare metAt: Date | null;
  declare outcome: ClockOutcome | null;
  declare pausedMinutes: number;
  declare setBy: string;
  /** 80 % of the clock's measured time gone (src/domain/clockMarks.ts); null while it has no due time. Derived: not in the trail. */
  declare warnAt: CreationOptional<Date | null>;
  /** 150 % of it (escalation). */
  declare escalateAt: CreationOptional<Date | null>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    CaseClock.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        // Free text in the table (a new kind needs no migration); only the kinds the code knows are written.
        kind: {
          type: DataTypes.TEXT,
          allowNull: false,
          validate: {
            known(value: string) {
              if (!isClockKind(value)) throw new Error(`Unknown clock kind ${value}`);
            },
          },
        },
        startedAt: { type: DataTypes.DATE, allowNull: false },
        dueAt: { type: DataTypes.DATE, allowNull: true },
        metAt: { type: DataTypes.DATE, allowNull: true },
        outcome: { type: DataTypes.TEXT, allowNull: true, validate: { isIn: [CLOCK_OUTCOMES as string[]] } },
        pausedMinutes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        setBy: { type: DataTypes.TEXT, allowNull: false },
        warnAt: { type: DataTypes.DATE, allowNull: true },
        escalateAt: { type: DataTypes.DATE, allowNull: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'CaseClock', tableName: 'case_clocks', version: true },
    );
    // The SLA marks repeat the due time and the policy's measure (0022): left out of the trail.
    audited(CaseClock, { omit: ['warnAt', 'escalateAt'] });
  }
}
