import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * A web session or an API token. Only the token's SHA-256 is stored, so a database leak yields
 * no usable credential. Sign-in and sign-out are audited explicitly by the commands.
 */
export class AuthToken extends Model<InferAttributes<AuthToken>, InferCreationAttributes<AuthToken>> {
  declare id: CreationOptional<string>;
  declare userId: string;
  declare kind: 'session' | 'api';
  declare tokenHash: string;
  declare createdAt: CreationOptional<Date>;
  declare expiresAt: Date;
  declare revokedAt: Date | null;
  declare lastUsedAt: Date | null;
  declare ip: string | null;
  declare userAgent: string | null;

  static initModel(sequelize: Sequelize): void {
    AuthToken.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.UUID, allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        tokenHash: { type: DataTypes.CHAR(64), allowNull: false },
        createdAt: DataTypes.DATE,
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        revokedAt: DataTypes.DATE,
        lastUsedAt: DataTypes.DATE,
        ip: DataTypes.TEXT,
        userAgent: DataTypes.TEXT,
      },
      { sequelize, modelName: 'AuthToken', tableName: 'auth_tokens', updatedAt: false },
    );
  }
}
