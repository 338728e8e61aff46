import { QueryTypes } from 'sequelize';
import { waitUntilSealable } from '../support/audit';
import { useTestDatabase } from '../support/db';
import { asActor } from '../support/context';
import { transaction, sequelize } from '../../src/db';
import { AuditEvent, Department } from '../../src/models';
import { recordAudit } from '../../src/models/AuditEvent';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { anchorAuditTrail } from '../../src/commands/auditAnchorer';

useTestDatabase();

async function createDepartment(code: string) {
  return asActor(() => transaction(() => Department.create({ code, name: `Phòng ${code}` })));
}

/** A superuser who bypasses the triggers, as an insider with database access could. */
async function asSuperuser(sql: string, replacements: Record<string, unknown> = {}) {
  await sequelize().transaction(async (t) => {
    await sequelize().query('SET LOCAL session_replication_role = replica', { transaction: t });
    await sequelize().query(sql, { replacements, transaction: t });
  });
}

describe('audit trail', () => {
  it('writes an event with before/after in the same transaction as the change', async () => {
    const dept = await createDepartment('AUD1');
    await asActor(() => transaction(async () => {
      dept.name = 'Phòng Kiểm toán';
      await dept.save();
    }));
    const events = await AuditEvent.findAll({ where: { entityType: 'Department', entityId: dept.id }, order: [['seq', 'ASC']] });
    expect(events.map((e) => e.action)).toEqual(['department.created', 'department.updated']);
    expect(events[1].changes).toEqual({ before: { name: 'Phòng AUD1' }, after: { name: 'Phòng Kiểm toán' } });
    expect(events[1].prevHash).toBe(events[0].hash);
    expect(events[0].actorLabel).toBe('test');
  });

  it('leaves neither the change nor its event behind when the transaction rolls back', async () => {
    await expect(
      asActor(() => transaction(async () => {
        await Department.create({ code: 'ROLLBACK', name: 'Không lưu' });
        throw new Error('boom');
      })),
    ).rejects.toThrow('boom');
    expect(await Department.count({ where: { code: 'ROLLBACK' } })).toBe(0);
    const events = await sequelize().query(`SELECT 1 FROM audit_event_contents WHERE content->'changes'->'after'->>'code' = 'ROLLBACK'`, { type: QueryTypes.SELECT });
    expect(events).toHaveLength(0);
  });

  it('refuses to write an audited change outside a transaction', async () => {
    await expect(asActor(() => Department.create({ code: 'NOTX', name: 'x' }))).rejects.toThrow(/outside a transaction/);
    // Refused before the INSERT: no row without its event.
    expect(await Department.count({ where: { code: 'NOTX' } })).toBe(0);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events in the database itself', async () => {
    await createDepartment('IMM');
    await expect(sequelize().query(`UPDATE audit_events SET action = 'x'`)).rejects.toMatchObject({ parent: { code: 'CB001' } });
    await expect(sequelize().query('DELETE FROM audit_events')).rejects.toMatchObject({ parent: { code: 'CB001' } });
    await expect(sequelize().query('TRUNCATE audit_events')).rejects.toMatchObject({ parent: { code: 'CB001' } });
  });

  it('appends two first events of one new chain from concurrent transactions as seq 1 and 2, linked', async () => {
    const entityId = `concurrent-${Date.now()}`;
    const append = (n: number) =>
      asActor(() =>
        transaction(async () => {
          await recordAudit({ action: 'report.exported', entityType: 'Report', entityId, meta: { n } });
          // Hold the new head's row until the other transaction has tried to create it too.
          await sequelize().query('SELECT pg_sleep(0.2)');
        }),
      );
    await Promise.all([append(1), append(2)]);
    const events = await AuditEvent.findAll({ where: { entityType: 'Report', entityId }, order: [['seq', 'ASC']] });
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events[0].prevHash).toBe('0'.repeat(64));
    expect(events[1].prevHash).toBe(events[0].hash);
    const [head] = await sequelize().query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_chain_heads WHERE chain_key = :key', {
      replacements: { key: `Report:${entityId}` },
      type: QueryTypes.SELECT,
    });
    expect(head).toEqual({ seq: 2, hash: events[1].hash });
    expect((await verifyAuditTrail()).failures.filter((f) => f.id.includes(entityId) || events.some((e) => e.id === f.id))).toEqual([]);
  });

  it('verifies an untouched trail, anchored and not', async () => {
    const v1 = await createDepartment('V1');
    const written = await AuditEvent.findOne({ where: { entityId: v1.id } });
    await anchorUntilSealed(written!.txId);
    await createDepartment('V2');
    const report = await verifyAuditTrail();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.anchors).toBeGreaterThanOrEqual(1);
    expect(report.checked).toBeGreaterThanOrEqual(2);
  });

  /** Anchors once every transaction up to `txId` can be sealed (see waitUntilSealable). */
  async function anchorUntilSealed(txId: string): Promise<void> {
    await waitUntilSealable(txId);
    expect(await anchorAuditTrail()).not.toBeNull();
  }

  describe('detects a superuser who bypasses the triggers', () => {
    it('and edits an event', async () => {
      const dept = await createDepartment('T1');
      const event = await AuditEvent.findOne({ where: { entityId: dept.id } });
      await asSuperuser(`UPDATE audit_event_contents SET content = jsonb_set(content, '{changes}', '{"after":{"name":"forged"}}') WHERE event_id = :id`, { id: event!.id });
      const report = await verifyAuditTrail();
      expect(report.ok).toBe(false);
      expect(report.failures).toContainEqual({ id: event!.id, reason: expect.stringMatching(/content was altered/) });
    });

    it('and edits the signed body of an event', async () => {
      const dept = await createDepartment('T1B');
      const event = await AuditEvent.findOne({ where: { entityId: dept.id } });
      await asSuperuser(`UPDATE audit_events SET actor_id = NULL, occurred_at = occurred_at - interval '1 day' WHERE id = :id`, { id: event!.id });
      const report = await verifyAuditTrail();
      expect(report.failures).toContainEqual({ id: event!.id, reason: expect.stringMatching(/altered: its content no longer matches its hash/) });
      expect(report.failures).toContainEqual({ id: event!.id, reason: expect.stringMatching(/not signed by a key this installation trusts/) });
    });

    it('and removes an event from the middle of a chain', async () => {
      const dept = await createDepartment('T2');
      for (const name of ['a', 'b']) await asActor(() => transaction(() => dept.update({ name })));
      const middle = await AuditEvent.findOne({ where: { entityId: dept.id, seq: 2 } });
      await asSuperuser('DELETE FROM audit_events WHERE id = :id', { id: middle!.id });
      const report = await verifyAuditTrail();
      expect(report.failures.some((f) => /missing/.test(f.reason))).toBe(true);
    });

    it('and cuts the anchored tail of a chain, head included', async () => {
      const dept = await createDepartment('T3');
      await asActor(() => transaction(() => dept.update({ name: 'anchored' })));
      const tail = await AuditEvent.findOne({ where: { entityId: dept.id, seq: 2 } });
      await anchorUntilSealed(tail!.txId);
      await asSuperuser('DELETE FROM audit_events WHERE id = :id', { id: tail!.id });
      await asSuperuser('UPDATE audit_chain_heads SET seq = 1, hash = :hash WHERE chain_key = :key', {
        hash: tail!.prevHash,
        key: tail!.chainKey,
      });
      const report = await verifyAuditTrail();
      expect(report.failures.some((f) => f.id.startsWith('anchor:') && /sealed/.test(f.reason))).toBe(true);
    });
  });
});
