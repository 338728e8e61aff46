import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { CustomerType, Tier } from '../domain/entries';
import { audited } from './audited';

export interface CustomerContact {
  name: string;
  role?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** A customer: person or company, with a unique code and a care tier. */
export class Customer extends Model<InferAttributes<Customer>, InferCreationAttributes<Customer>> {
  declare id: CreationOptional<string>;
  declare code: string;
  declare name: string;
  declare type: CustomerType;
  declare email: string | null;
  declare phone: string | null;
  declare address: string | null;
  declare tier: CreationOptional<Tier>;
  declare contacts: CreationOptional<CustomerContact[]>;
  declare searchText: string;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Customer.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        code: { type: DataTypes.STRING(32), allowNull: false },
        name: { type: DataTypes.STRING(300), allowNull: false },
        type: { type: DataTypes.STRING(16), allowNull: false },
        email: DataTypes.STRING(254),
        phone: DataTypes.STRING(40),
        address: DataTypes.STRING(500),
        tier: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'new' },
        contacts: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        searchText: { type: DataTypes.TEXT, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Customer', tableName: 'customers', version: true },
    );
    audited(Customer, { omit: ['searchText'] });
  }
}
