import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { ServiceKind } from '../domain/renewals';
import { audited } from './audited';

/**
 * A service a customer has with an expiry date (a domain, hosting, a maintenance contract…): it
 * gets renewal reminders on the organisation's schedule (src/jobs/renewalRemindersJob.ts) until it
 * is `ended`. Renewing it is a new `expiresOn`, which starts a schedule of its own.
 */
export class CustomerService extends Model<InferAttributes<CustomerService>, InferCreationAttributes<CustomerService>> {
  declare id: CreationOptional<string>;
  declare customerId: string;
  declare name: string;
  declare kind: ServiceKind;
  /** A calendar date (YYYY-MM-DD) in the organisation's zone. */
  declare expiresOn: string;
  declare notes: string | null;
  declare ended: CreationOptional<boolean>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    CustomerService.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        customerId: { type: DataTypes.UUID, allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        // The table's CHECK constraint holds it to SERVICE_KINDS.
        kind: { type: DataTypes.STRING(32), allowNull: false },
        expiresOn: { type: DataTypes.DATEONLY, allowNull: false },
        notes: DataTypes.TEXT,
        ended: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'CustomerService', tableName: 'customer_services', version: true },
    );
    audited(CustomerService);
  }
}
