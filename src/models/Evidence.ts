import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';

/**
 * One piece of evidence of a case (migration 0013): what was uploaded, when, by whom, and the
 * SHA-256 of its bytes (`evidence_blobs`, stored once per content). Append-only in the database:
 * the one change ever allowed is its withdrawal, once. `filename` is a display name only.
 */
export class Evidence extends Model<InferAttributes<Evidence>, InferCreationAttributes<Evidence>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare sha256: string;
  declare filename: string;
  declare mimeType: string;
  declare size: number;
  declare description: string;
  declare sourceDepartment: string | null;
  declare collectedAt: Date | null;
  declare uploadedBy: string | null;
  declare withdrawnAt: Date | null;
  declare withdrawnBy: string | null;
  declare withdrawalReason: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Evidence.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        sha256: { type: DataTypes.TEXT, allowNull: false, field: 'blob_sha256' },
        filename: { type: DataTypes.TEXT, allowNull: false },
        mimeType: { type: DataTypes.TEXT, allowNull: false },
        // int8 comes back as a number (src/db/index.ts parses it): files are far below 2^53 bytes.
        size: { type: DataTypes.BIGINT, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false },
        sourceDepartment: { type: DataTypes.TEXT, allowNull: true },
        collectedAt: { type: DataTypes.DATE, allowNull: true },
        uploadedBy: { type: DataTypes.UUID, allowNull: true },
        withdrawnAt: { type: DataTypes.DATE, allowNull: true },
        withdrawnBy: { type: DataTypes.UUID, allowNull: true },
        withdrawalReason: { type: DataTypes.TEXT, allowNull: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Evidence', tableName: 'evidence', version: true, freezeTableName: true },
    );
    audited(Evidence);
  }
}
