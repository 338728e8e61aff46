import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** Security telemetry behind lockout and rate limiting; shared by every app instance. */
export class LoginAttempt extends Model<InferAttributes<LoginAttempt>, InferCreationAttributes<LoginAttempt>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare ip: string | null;
  declare succeeded: boolean;
  declare attemptedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    LoginAttempt.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        email: { type: DataTypes.STRING(254), allowNull: false },
        ip: DataTypes.TEXT,
        succeeded: { type: DataTypes.BOOLEAN, allowNull: false },
        attemptedAt: { type: DataTypes.DATE, defaultValue: DataTypes.NOW },
      },
      { sequelize, modelName: 'LoginAttempt', tableName: 'login_attempts', timestamps: false },
    );
  }
}
