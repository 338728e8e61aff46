import type { Sequelize } from 'sequelize';
import { AuditEvent } from './AuditEvent';
import { AuthToken } from './AuthToken';
import { Department } from './Department';
import { LoginAttempt } from './LoginAttempt';
import { User } from './User';

export { AuditEvent, AuthToken, Department, LoginAttempt, User };

/** Binds every model to `sequelize` and declares associations. Called once per opened database. */
export function initModels(sequelize: Sequelize): void {
  AuditEvent.initModel(sequelize);
  Department.initModel(sequelize);
  User.initModel(sequelize);
  AuthToken.initModel(sequelize);
  LoginAttempt.initModel(sequelize);

  User.belongsTo(Department, { as: 'department', foreignKey: 'departmentId' });
  Department.hasMany(User, { as: 'users', foreignKey: 'departmentId' });
  AuthToken.belongsTo(User, { as: 'user', foreignKey: 'userId' });
}
