import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';

export const LETTER_KINDS = ['acknowledgment', 'first_reply', 'invitation', 'resolution', 'second_round', 'time_barred', 'closure', 'receipt'] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];
export const LETTER_LOCALES = ['vi', 'en'] as const;
export type LetterLocale = (typeof LETTER_LOCALES)[number];
export const LETTER_CHANNELS = ['email', 'post', 'in_person', 'phone'] as const;
export type LetterChannel = (typeof LETTER_CHANNELS)[number];

/** The meeting a giấy mời invites to. */
export interface LetterMeeting {
  at: string;
  place: string;
}

/**
 * One issued letter (migration 0019). Never changed, except `sentAt` set once when the outbox
 * delivers an e-mailed letter. Its bytes are the `letter_pdfs` row of its `sha256`.
 */
export class Letter extends Model<InferAttributes<Letter>, InferCreationAttributes<Letter>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare kind: LetterKind;
  declare locale: LetterLocale;
  declare round: number;
  declare templateVersion: number;
  declare channel: LetterChannel;
  declare recipient: string | null;
  declare meeting: LetterMeeting | null;
  declare sha256: string;
  declare size: number;
  declare authorId: string;
  declare issuedAt: Date;
  declare sentAt: Date | null;
  declare handedOverBy: string | null;
  declare handedOverAt: Date | null;
  declare outboxId: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Letter.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        kind: { type: DataTypes.TEXT, allowNull: false },
        locale: { type: DataTypes.TEXT, allowNull: false },
        round: { type: DataTypes.SMALLINT, allowNull: false },
        templateVersion: { type: DataTypes.INTEGER, allowNull: false },
        channel: { type: DataTypes.TEXT, allowNull: false },
        recipient: DataTypes.TEXT,
        meeting: DataTypes.JSONB,
        sha256: { type: DataTypes.CHAR(64), allowNull: false },
        size: { type: DataTypes.INTEGER, allowNull: false },
        authorId: { type: DataTypes.UUID, allowNull: false },
        issuedAt: { type: DataTypes.DATE, allowNull: false },
        sentAt: DataTypes.DATE,
        handedOverBy: DataTypes.UUID,
        handedOverAt: DataTypes.DATE,
        outboxId: DataTypes.UUID,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Letter', tableName: 'letters', version: true },
    );
    audited(Letter);
  }
}
