import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { AuditEvent, Setting } from '../../src/models';
import { useTestDatabase } from '../support/db';

useTestDatabase();

describe('a migration that changes a stored record audits it', () => {
  it('0006 moves the recurrence default off `category` with a setting.updated event by the system, and the trail verifies', async () => {
    const setting = await Setting.findByPk('recurrence');
    expect(setting!.value).toEqual({ periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] });
    const events = await AuditEvent.findAll({ where: { entityType: 'Setting', entityId: 'recurrence' } });
    expect(events.map((e) => ({ action: e.action, actorId: e.actorId, actorLabel: e.actorLabel, meta: e.meta, changes: e.changes }))).toEqual([
      {
        action: 'setting.updated',
        actorId: null,
        actorLabel: 'migration',
        meta: { migration: '0006-recurrence' },
        changes: { before: { value: { periodDays: 90, match: ['customer', 'product', 'category'] } }, after: { value: { periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] } } },
      },
    ]);
    expect((await verifyAuditTrail()).ok).toBe(true);
  });
});
