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
 * The sealed record of a closed case (migration 0020): its canonical snapshot, that snapshot's
 * SHA-256, its place in the archive chain and its retention. Never changed but for the legal hold
 * and, later, disposal (the database refuses anything else).
 */
export class Archive extends Model<InferAttributes<Archive>, InferCreationAttributes<Archive>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare position: number;
  declare sha256: string;
  declare prevSha256: string | null;
  declare snapshot: string;
  declare sealedAt: Date;
  declare sealedBy: string | null;
  declare closedAt: Date;
  declare retentionClass: string;
  declare retentionUntil: Date;
  declare legalHold: CreationOptional<boolean>;
  declare legalHoldReason: CreationOptional<string | null>;
  declare legalHoldBy: CreationOptional<string | null>;
  declare legalHoldAt: CreationOptional<Date | null>;
  declare disposedAt: CreationOptional<Date | null>;
  declare tombstone: CreationOptional<unknown>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Archive.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        // bigint: pg returns it as a string; the chain's positions stay far below 2^53.
        position: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('position')); } },
        sha256: { type: DataTypes.TEXT, allowNull: false },
        prevSha256: DataTypes.TEXT,
        snapshot: { type: DataTypes.TEXT, allowNull: false },
        sealedAt: { type: DataTypes.DATE, allowNull: false },
        sealedBy: DataTypes.UUID,
        closedAt: { type: DataTypes.DATE, allowNull: false },
        retentionClass: { type: DataTypes.TEXT, allowNull: false },
        retentionUntil: { type: DataTypes.DATE, allowNull: false },
        legalHold: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        legalHoldReason: DataTypes.TEXT,
        legalHoldBy: DataTypes.UUID,
        legalHoldAt: DataTypes.DATE,
        disposedAt: DataTypes.DATE,
        tombstone: DataTypes.JSONB,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Archive', tableName: 'archives', version: true },
    );
    // The snapshot is verified by its hash (which the trail records); copying it into the trail
    // would only duplicate the case's content there.
    audited(Archive, { omit: ['snapshot'] });
  }
}

/** How long archives of a kind are kept after closure (migration 0020). */
export class RetentionClass extends Model<InferAttributes<RetentionClass>, InferCreationAttributes<RetentionClass>> {
  declare key: string;
  declare years: number;
  declare description: CreationOptional<string>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RetentionClass.init(
      {
        key: { type: DataTypes.TEXT, primaryKey: true },
        years: { type: DataTypes.INTEGER, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'RetentionClass', tableName: 'retention_classes', version: true },
    );
    audited(RetentionClass);
  }
}

export type DisposalStatus = 'proposed' | 'approved' | 'declined';

/**
 * A proposal to dispose of an archive at the end of its retention (migration 0026): proposed by a
 * sysadmin with a reason, decided once by someone else (legal). The database refuses any other change.
 */
export class Disposal extends Model<InferAttributes<Disposal>, InferCreationAttributes<Disposal>> {
  declare id: CreationOptional<string>;
  declare archiveId: string;
  declare complaintId: string;
  declare reason: string;
  declare status: CreationOptional<DisposalStatus>;
  declare proposedBy: string;
  declare proposedAt: Date;
  declare decidedBy: CreationOptional<string | null>;
  declare decidedAt: CreationOptional<Date | null>;
  declare comment: CreationOptional<string | null>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Disposal.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        archiveId: { type: DataTypes.UUID, allowNull: false },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        reason: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'proposed' },
        proposedBy: { type: DataTypes.UUID, allowNull: false },
        proposedAt: { type: DataTypes.DATE, allowNull: false },
        decidedBy: DataTypes.UUID,
        decidedAt: DataTypes.DATE,
        comment: DataTypes.TEXT,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Disposal', tableName: 'disposals', version: true },
    );
    audited(Disposal);
  }
}
