import { useTestDatabase } from '../support/db';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { anchorAuditTrail } from '../../src/commands/auditAnchorer';
import { runWithContext, systemContext } from '../../src/lib/context';
import { seedDemo } from '../../seeds/demo';
import { seedDemoCases } from '../../seeds/demoCases';
import { Evidence, Finding } from '../../src/models';

useTestDatabase();

describe('an untouched installation verifies', () => {
  it('after the demo data (users, customers, cases through every stage, holds, evidence, findings): every record matches its trail', async () => {
    await runWithContext(systemContext('test'), async () => {
      await seedDemo();
      await seedDemoCases('Asia/Ho_Chi_Minh');
    });
    await anchorAuditTrail();
    const report = await verifyAuditTrail();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    // Every case record was compared, not skipped.
    expect(report.records).toBeGreaterThan(50);
    // The demo shows the investigation's records too: evidence filed and findings on every case past it.
    expect(await Evidence.count()).toBe(2);
    expect(await Finding.count()).toBe(4);
  });
});
