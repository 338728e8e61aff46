import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { ActionStatus, ActionType } from '../domain/actions';
import { audited } from './audited';

/**
 * A corrective action (CAPA, migration 0018). It answers one or more cases through `ActionCase`;
 * `openedOn` is the case that opened it. Its audit events name the case the request was made on
 * (`auditCase`, set by the command; else the opening case).
 */
export class CorrectiveAction extends Model<InferAttributes<CorrectiveAction, { omit: 'auditCase' }>, InferCreationAttributes<CorrectiveAction, { omit: 'auditCase' }>> {
  declare id: CreationOptional<string>;
  declare type: ActionType;
  declare description: string;
  declare ownerDepartmentId: string;
  declare ownerId: string | null;
  declare dueAt: Date;
  declare status: CreationOptional<ActionStatus>;
  declare effective: CreationOptional<boolean | null>;
  declare verifiedBy: CreationOptional<string | null>;
  declare verifiedAt: CreationOptional<Date | null>;
  declare supplierName: string | null;
  declare supplierRef: string | null;
  declare countermeasureDoneAt: Date | null;
  declare longTermDueAt: Date | null;
  declare openedOn: string;
  declare createdBy: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** The case the current request is made on: its audit event belongs to that case (not stored). */
  declare auditCase?: string;

  static initModel(sequelize: Sequelize): void {
    CorrectiveAction.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        type: { type: DataTypes.TEXT, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false },
        ownerDepartmentId: { type: DataTypes.UUID, allowNull: false },
        ownerId: DataTypes.UUID,
        dueAt: { type: DataTypes.DATE, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'planned' },
        effective: { type: DataTypes.BOOLEAN, allowNull: true, defaultValue: null },
        verifiedBy: { type: DataTypes.UUID, allowNull: true, defaultValue: null },
        verifiedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
        supplierName: DataTypes.TEXT,
        supplierRef: DataTypes.TEXT,
        countermeasureDoneAt: DataTypes.DATE,
        longTermDueAt: DataTypes.DATE,
        openedOn: { type: DataTypes.UUID, allowNull: false },
        createdBy: DataTypes.UUID,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'CorrectiveAction', tableName: 'corrective_actions', version: true },
    );
    audited(CorrectiveAction, { caseOf: (i) => (i as CorrectiveAction).auditCase ?? (i as CorrectiveAction).openedOn });
  }
}

/** A case an action answers (migration 0018): permanent once made. */
export class ActionCase extends Model<InferAttributes<ActionCase>, InferCreationAttributes<ActionCase>> {
  declare id: CreationOptional<string>;
  declare actionId: string;
  declare complaintId: string;
  declare linkedBy: string | null;
  declare linkedAt: Date;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ActionCase.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        actionId: { type: DataTypes.UUID, allowNull: false },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        linkedBy: DataTypes.UUID,
        linkedAt: { type: DataTypes.DATE, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'ActionCase', tableName: 'action_cases', version: true },
    );
    audited(ActionCase);
  }
}

/** A department head's contact with the customer about an action's result (migration 0018): never changed. */
export class ActionContact extends Model<InferAttributes<ActionContact>, InferCreationAttributes<ActionContact>> {
  declare id: CreationOptional<string>;
  declare actionId: string;
  declare complaintId: string;
  declare contactedAt: Date;
  declare via: string;
  declare note: string;
  declare contactedBy: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ActionContact.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        actionId: { type: DataTypes.UUID, allowNull: false },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        contactedAt: { type: DataTypes.DATE, allowNull: false },
        via: { type: DataTypes.TEXT, allowNull: false },
        note: { type: DataTypes.TEXT, allowNull: false },
        contactedBy: DataTypes.UUID,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'ActionContact', tableName: 'action_contacts', version: true },
    );
    audited(ActionContact);
  }
}
