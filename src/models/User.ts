import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { RoleKey } from '../domain/roles';
import { audited } from './audited';
import type { Department } from './Department';

/** A person who signs in. Never deleted: records keep their authors; deactivation blocks sign-in. */
export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<string>;
  declare email: string;
  declare name: string;
  declare departmentId: string | null;
  declare roles: RoleKey[];
  declare passwordHash: string | null;
  declare passwordChangedAt: Date | null;
  declare active: CreationOptional<boolean>;
  declare locale: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare department?: NonAttribute<Department | null>;

  static initModel(sequelize: Sequelize): void {
    User.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        email: { type: DataTypes.STRING(254), allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        departmentId: { type: DataTypes.UUID, allowNull: true },
        roles: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
        passwordHash: { type: DataTypes.TEXT, allowNull: true },
        passwordChangedAt: { type: DataTypes.DATE, allowNull: true },
        active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        locale: { type: DataTypes.STRING(5), allowNull: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'User', tableName: 'users', version: true },
    );
    audited(User, { redact: ['passwordHash'] });
  }
}
