import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { RegulatoryDecision, SignedContent } from '../domain/regulatory';
import { audited } from './audited';

/**
 * An electronic signature (migration 0016; 21 CFR 11.50): who signed (id, printed name, role),
 * what it means, when, exactly what was signed and its SHA-256. Never changed or deleted (a
 * database lock); a later decision is a new signature that `supersedes` this one.
 */
export class Signature extends Model<InferAttributes<Signature>, InferCreationAttributes<Signature>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare reviewId: string;
  declare signerId: string;
  declare signerName: string;
  declare signerRole: string;
  declare meaning: string;
  declare decision: RegulatoryDecision;
  declare content: SignedContent;
  declare contentSha256: string;
  declare signedAt: Date;
  declare supersedes: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Signature.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        reviewId: { type: DataTypes.UUID, allowNull: false },
        signerId: { type: DataTypes.UUID, allowNull: false },
        signerName: { type: DataTypes.TEXT, allowNull: false },
        signerRole: { type: DataTypes.TEXT, allowNull: false },
        meaning: { type: DataTypes.TEXT, allowNull: false },
        decision: { type: DataTypes.TEXT, allowNull: false },
        content: { type: DataTypes.JSONB, allowNull: false },
        contentSha256: { type: DataTypes.TEXT, allowNull: false },
        signedAt: { type: DataTypes.DATE, allowNull: false },
        supersedes: DataTypes.UUID,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Signature', tableName: 'signatures', version: true },
    );
    audited(Signature);
  }
}
