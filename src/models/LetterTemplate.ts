import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';
import type { LetterKind, LetterLocale } from './Letter';

/** One version of a letter template (migration 0019): never changed, an edit is the next version. */
export class LetterTemplate extends Model<InferAttributes<LetterTemplate>, InferCreationAttributes<LetterTemplate>> {
  declare id: CreationOptional<string>;
  declare kind: LetterKind;
  declare locale: LetterLocale;
  declare version: number;
  declare source: string;
  declare createdBy: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    LetterTemplate.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        kind: { type: DataTypes.TEXT, allowNull: false },
        locale: { type: DataTypes.TEXT, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false },
        source: { type: DataTypes.TEXT, allowNull: false },
        createdBy: DataTypes.UUID,
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'LetterTemplate', tableName: 'letter_templates' },
    );
    audited(LetterTemplate);
  }
}
