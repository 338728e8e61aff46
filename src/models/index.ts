import type { Sequelize } from 'sequelize';
import { AuditEvent, AuditEventContent } from './AuditEvent';
import { AuthToken } from './AuthToken';
import { CaseClock } from './CaseClock';
import { Complaint } from './Complaint';
import { ComplaintHold } from './ComplaintHold';
import { ComplaintStage } from './ComplaintStage';
import { Customer } from './Customer';
import { Department } from './Department';
import { Evidence } from './Evidence';
import { Finding } from './Finding';
import { Holiday } from './Holiday';
import { LoginAttempt } from './LoginAttempt';
import { Meeting } from './Meeting';
import { MeetingAssignment } from './MeetingAssignment';
import { RegulatoryReview } from './RegulatoryReview';
import { Setting } from './Setting';
import { Signature } from './Signature';
import { SlaPolicy } from './SlaPolicy';
import { User } from './User';

export { AuditEvent, AuditEventContent, AuthToken, CaseClock, Complaint, ComplaintHold, ComplaintStage, Customer, Department, Evidence, Finding, Holiday, LoginAttempt, Meeting, MeetingAssignment, RegulatoryReview, Setting, Signature, SlaPolicy, User };

/** Binds every model to `sequelize` and declares associations. Called once per opened database. */
export function initModels(sequelize: Sequelize): void {
  AuditEvent.initModel(sequelize);
  AuditEventContent.initModel(sequelize);
  Department.initModel(sequelize);
  User.initModel(sequelize);
  AuthToken.initModel(sequelize);
  LoginAttempt.initModel(sequelize);
  Customer.initModel(sequelize);
  Complaint.initModel(sequelize);
  ComplaintStage.initModel(sequelize);
  ComplaintHold.initModel(sequelize);
  CaseClock.initModel(sequelize);
  Evidence.initModel(sequelize);
  Finding.initModel(sequelize);
  Meeting.initModel(sequelize);
  MeetingAssignment.initModel(sequelize);
  RegulatoryReview.initModel(sequelize);
  Signature.initModel(sequelize);
  SlaPolicy.initModel(sequelize);
  Holiday.initModel(sequelize);
  Setting.initModel(sequelize);

  User.belongsTo(Department, { as: 'department', foreignKey: 'departmentId' });
  Department.hasMany(User, { as: 'users', foreignKey: 'departmentId' });
  AuthToken.belongsTo(User, { as: 'user', foreignKey: 'userId' });
  Complaint.belongsTo(Customer, { as: 'customer', foreignKey: 'customerId' });
  Customer.hasMany(Complaint, { as: 'complaints', foreignKey: 'customerId' });
  Complaint.belongsTo(User, { as: 'assignee', foreignKey: 'assigneeId' });
  Complaint.hasMany(ComplaintStage, { as: 'stages', foreignKey: 'complaintId' });
  Complaint.hasMany(ComplaintHold, { as: 'holds', foreignKey: 'complaintId' });
  Complaint.hasMany(CaseClock, { as: 'clocks', foreignKey: 'complaintId' });
}
