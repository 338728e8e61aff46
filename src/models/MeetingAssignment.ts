import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { audited } from './audited';

export const ASSIGNMENT_STATUSES = ['open', 'done'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/**
 * A task a meeting assigned (migration 0015): assignee, task, due, status. Once its meeting is
 * approved, only `status` may change (a database trigger refuses the rest).
 */
export class MeetingAssignment extends Model<InferAttributes<MeetingAssignment>, InferCreationAttributes<MeetingAssignment>> {
  declare id: CreationOptional<string>;
  declare meetingId: string;
  declare complaintId: string;
  declare assigneeId: string;
  declare task: string;
  declare dueAt: Date;
  declare status: CreationOptional<AssignmentStatus>;
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingAssignment.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        meetingId: { type: DataTypes.UUID, allowNull: false },
        complaintId: { type: DataTypes.UUID, allowNull: false },
        assigneeId: { type: DataTypes.UUID, allowNull: false },
        task: { type: DataTypes.TEXT, allowNull: false },
        dueAt: { type: DataTypes.DATE, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'open' },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, modelName: 'MeetingAssignment', tableName: 'meeting_assignments', version: true },
    );
    audited(MeetingAssignment);
  }
}
