import { anchorAuditTrail } from '../commands/auditAnchorer';
import { CronJob } from './CronJob';

/** Seals the audit events written since the last run (see docs/ARCHITECTURE.md "Audit trail"). */
export class AuditAnchorJob extends CronJob {
  readonly name = 'audit-anchor';
  readonly schedule = '*/10 * * * *';
  readonly lockKey = 7_421_101;

  perform() {
    return anchorAuditTrail();
  }
}
