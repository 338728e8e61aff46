import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';

/** One attendee of a meeting: a user of Casebook, or a free-text name ("P.KD", "Kho"). */
export type Attendee = { userId: string } | { name: string };

export const MEETING_STATUSES = ['draft', 'approved'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/**
 * A meeting of a case and its minutes (migration 0015). A draft until approved; approved minutes
 * never change (a database lock): a correction is a new meeting that `supersedes` the approved one.
 */
export class Meeting extends Model<InferAttributes<Meeting>, InferCreationAttributes<Meeting>> {
  declare id: CreationOptional<string>;
  declare complaintId: string;
  declare heldAt: Date;
  declare attendees: Attendee[];
  declare agenda: string;
  declare minutes: string;
  declare decisions: string;
  declare status: CreationOptional<MeetingStatus>;
  declare approvedBy: CreationOptional<string | null>;
  declare approvedAt: CreationOptional<Date | null>;
  declare supersedes: string | null;
  declare createdBy: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Meeting.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        heldAt: { type: DataTypes.DATE, allowNull: false },
        attendees: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        agenda: { type: DataTypes.TEXT, allowNull: false },
        minutes: { type: DataTypes.TEXT, allowNull: false },
        decisions: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'draft' },
        approvedBy: { type: DataTypes.UUID, allowNull: true, defaultValue: null },
        approvedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
        supersedes: DataTypes.UUID,
        createdBy: DataTypes.UUID,
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'Meeting', tableName: 'meetings', version: true },
    );
    audited(Meeting);
  }
}
