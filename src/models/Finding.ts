import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';

/** An earlier entry the findings say this case recurs with (from intake's recurrence detection, confirmed by quality). */
export interface RecurringWith {
  id: string;
  reference: string;
}

/**
 * One version of a case's investigation findings (migration 0014). Never changed: recording the
 * findings again writes a new version that `supersedes` this one. The responsible person, the
 * responsible user and the disciplinary measure are read only through src/policies/fieldRules.ts.
 */
export class Finding extends Model<InferAttributes<Finding>, InferCreationAttributes<Finding>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare round: number;
  declare substantiated: boolean;
  declare rootCause: string;
  declare recurring: boolean;
  declare recurringWith: RecurringWith[];
  declare responsibleDepartmentId: string | null;
  declare responsibleUserId: string | null;
  declare responsiblePerson: string | null;
  declare disciplinaryMeasure: string | null;
  declare noEvidenceReason: string | null;
  declare supersedes: string | null;
  declare recordedBy: string | null;
  declare recordedAt: Date;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Finding.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        round: { type: DataTypes.SMALLINT, allowNull: false },
        substantiated: { type: DataTypes.BOOLEAN, allowNull: false },
        rootCause: { type: DataTypes.TEXT, allowNull: false },
        recurring: { type: DataTypes.BOOLEAN, allowNull: false },
        recurringWith: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        responsibleDepartmentId: DataTypes.UUID,
        responsibleUserId: DataTypes.UUID,
        responsiblePerson: DataTypes.TEXT,
        disciplinaryMeasure: DataTypes.TEXT,
        noEvidenceReason: DataTypes.TEXT,
        supersedes: DataTypes.UUID,
        recordedBy: DataTypes.UUID,
        recordedAt: { type: DataTypes.DATE, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Finding', tableName: 'findings', version: true },
    );
    audited(Finding);
  }
}
