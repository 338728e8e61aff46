import fs from 'node:fs';
import { QueryTypes } from 'sequelize';
import { randomBytes, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { countAuditEvents, waitUntilSealable } from '../support/audit';
import { useTestDatabase } from '../support/db';
import { asActor } from '../support/context';
import { buildComplaint, buildUser } from '../support/factories';
import { disposeTestArchive, sealedTestArchive } from '../support/archives';
import { useTestClock } from '../support/clock';
import { sequelize, transaction } from '../../src/db';
import { AuditEvent, Complaint } from '../../src/models';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { anchorAuditTrail } from '../../src/commands/auditAnchorer';
import { readWitness, setWitnessMail, witnessFile, type WitnessLine } from '../../src/audit/witness';
import { outboxKind } from '../../src/outbox/kinds';
import '../../src/outbox/auditAnchorMail';
import { auditKeyring, keyringFrom, generateSigningKeyPem } from '../../src/audit/keys';
import { contentHash, eventHash } from '../../src/domain/auditChain';

useTestDatabase();
useTestClock();

/** The database superuser, who can bypass every trigger (session_replication_role = replica). */
async function asSuperuser(sql: string, bind: unknown[] = []) {
  await sequelize().transaction(async (t) => {
    await sequelize().query('SET LOCAL session_replication_role = replica', { transaction: t });
    await sequelize().query(sql, { bind, transaction: t });
  });
}

async function anchorNow(): Promise<number> {
  const [{ tx }] = await sequelize().query<{ tx: string }>('SELECT max(tx_id)::text AS tx FROM audit_events', { type: QueryTypes.SELECT });
  await waitUntilSealable(tx);
  const anchor = await anchorAuditTrail();
  expect(anchor).not.toBeNull();
  return anchor!.id;
}

const findings = async () => (await verifyAuditTrail()).failures;

async function witnessLines(): Promise<WitnessLine[]> {
  const out: WitnessLine[] = [];
  for await (const w of readWitness()) if (w.entry) out.push(w.entry);
  return out;
}

describe('the audit trail against the database superuser', () => {
  it('reports an event forged by calling audit_append directly: a correct chain, a backdated time, a fake actor, but no valid signature', async () => {
    const c = await buildComplaint();
    const ceo = await buildUser({ roles: ['ceo'] });
    const id = randomUUID();
    const content = { actorLabel: ceo.name, ip: null, changes: null, meta: { decision: 'not_reportable' } };
    const salt = randomBytes(16).toString('hex');
    const body = canonicalize({
      v: 2, id, occurredAt: '2026-01-02T03:04:05.000Z', actorId: ceo.id, actorRoles: ['ceo'], action: 'regulatory.decided',
      entityType: 'Complaint', entityId: c.id, complaintId: c.id, op: null, requestId: null,
      contentHash: contentHash(salt, content), keyId: auditKeyring().keyId,
    })!;
    // Signed with a key of the attacker's own: well-formed, but not this installation's.
    const forger = keyringFrom(generateSigningKeyPem());
    const signature = forger.sign(`casebook-audit-event-v2\n${body}`);
    await sequelize().query('SELECT audit_append($1, $2, $3, $4, $5)', { bind: [`Complaint:${c.id}`, body, signature, salt, canonicalize(content)] });

    const forged = await AuditEvent.findOne({ where: { id } });
    // The chain itself is correct: only the signature gives it away.
    const previous = await AuditEvent.findOne({ where: { chainKey: `Complaint:${c.id}`, seq: forged!.seq - 1 } });
    expect(forged!.prevHash).toBe(previous!.hash);
    expect(eventHash(forged!.prevHash, forged!.seq, forged!.toBody())).toBe(forged!.hash);
    expect(await findings()).toContainEqual({ id, reason: expect.stringMatching(/not signed by a key this installation trusts/) });
  });

  it('reports a direct UPDATE of a complaint, naming the case and the field (records are compared with their trail)', async () => {
    const c = await buildComplaint();
    await asSuperuser(`UPDATE complaints SET description = 'Đã sửa lén' WHERE id = $1`, [c.id]);
    expect(await findings()).toContainEqual({
      id: `Complaint:${c.id} (${c.reference})`,
      reason: expect.stringMatching(/differs from its trail in description/),
    });
  });

  it('reports a chain whose tail was cut and head rolled back, even before any anchor: the record no longer matches', async () => {
    const c = await buildComplaint();
    await asActor(() => transaction(async () => (await Complaint.findByPk(c.id, { rejectOnEmpty: true })).update({ subject: 'Đổi tiêu đề' })));
    const tail = await AuditEvent.findOne({ where: { chainKey: `Complaint:${c.id}` }, order: [['seq', 'DESC']] });
    await asSuperuser('DELETE FROM audit_events WHERE id = $1', [tail!.id]);
    await asSuperuser('DELETE FROM audit_event_contents WHERE event_id = $1', [tail!.id]);
    await asSuperuser('UPDATE audit_chain_heads SET seq = seq - 1, hash = $1 WHERE chain_key = $2', [tail!.prevHash, tail!.chainKey]);
    expect(await findings()).toContainEqual({ id: `Complaint:${c.id} (${c.reference})`, reason: expect.stringMatching(/differs from its trail in subject/) });
  });

  it('reports an entry deleted with its rows and its whole chain: the log book has a gap, named by its number', async () => {
    const first = await buildComplaint();
    const victim = await buildComplaint();
    await buildComplaint();
    const tables = await sequelize().query<{ table: string }>(
      `SELECT table_name AS "table" FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'complaint_id'
         AND table_name NOT IN ('audit_events', 'audit_event_contents') AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')`,
      { type: QueryTypes.SELECT },
    );
    await asSuperuser(
      `DELETE FROM audit_chain_heads WHERE chain_key IN (SELECT chain_key FROM audit_events WHERE complaint_id = $1);
       DELETE FROM audit_event_contents WHERE complaint_id = $1;
       DELETE FROM audit_events WHERE complaint_id = $1;
       ${tables.map((t) => `DELETE FROM ${t.table} WHERE complaint_id = $1;`).join('\n')}
       DELETE FROM complaints WHERE id = $1;`.replace(/\$1/g, `'${victim.id}'`),
    );
    expect(first.refNumber + 1).toBe(victim.refNumber);
    expect(await findings()).toContainEqual({ id: `logbook:${victim.reference}`, reason: expect.stringMatching(/no entry has it: an entry was deleted/) });
  });

  it('reports anchors deleted before a cut: the witness outside the database still has them', async () => {
    const c = await buildComplaint();
    const anchorId = await anchorNow();
    expect((await witnessLines()).map((w) => w.anchor)).toContain(anchorId);
    expect(fs.readFileSync(witnessFile(), 'utf8')).not.toContain(c.description);
    // The insider removes every anchor from the database, then cuts the case's events.
    await asSuperuser('DELETE FROM audit_anchors');
    await asSuperuser(`DELETE FROM audit_events WHERE complaint_id = $1 AND seq > 1`, [c.id]);
    const report = await findings();
    expect(report).toContainEqual({ id: `anchor:${anchorId}`, reason: expect.stringMatching(/witness outside the database recorded this anchor, but the database no longer has it/) });
  });

  it('mails each anchor to the auditors named in AUDIT_WITNESS_EMAIL, through the outbox, with the witness line', async () => {
    setWitnessMail(['kiemtoan@example.vn', 'auditor@example.com']);
    try {
      await buildComplaint();
      const anchorId = await anchorNow();
      const mails = await sequelize().query<{ recipient: string; payload: { anchor: number; hash: string }; dedupe_key: string }>(
        `SELECT recipient, payload, dedupe_key FROM outbox WHERE kind = 'audit.anchor' ORDER BY recipient`,
        { type: QueryTypes.SELECT },
      );
      const line = (await witnessLines()).find((w) => w.anchor === anchorId)!;
      expect(mails.map((m) => m.recipient)).toEqual(['auditor@example.com', 'kiemtoan@example.vn']);
      for (const m of mails) expect(m.payload).toEqual(line);
      expect(mails[0].dedupe_key).toBe(`audit.anchor:anchor-${anchorId}:auditor@example.com`);
      const rendered = outboxKind('audit.anchor')!.render(mails[0].payload, { timezone: 'Asia/Ho_Chi_Minh', senderName: 'Casebook', reference: null, publicUrl: 'http://localhost:3000' });
      expect(rendered.subject).toContain(`#${anchorId}`);
      expect(rendered.text).toContain(JSON.stringify(line));
    } finally {
      setWitnessMail(undefined);
    }
  });

  it('reports an anchor rewritten in the database (re-signed by no trusted key)', async () => {
    await buildComplaint();
    const anchorId = await anchorNow();
    await asSuperuser(`UPDATE audit_anchors SET event_count = event_count - 1 WHERE id = $1`, [anchorId]);
    const report = await findings();
    expect(report).toContainEqual({ id: `anchor:${anchorId}`, reason: expect.stringMatching(/altered/) });
  });

  it('reports a witness line that cannot be read, by its line number, without failing the rest', async () => {
    await buildComplaint();
    await anchorNow();
    fs.appendFileSync(witnessFile(), '{"anchor": 12, "hash": \n');
    const lineNo = fs.readFileSync(witnessFile(), 'utf8').trimEnd().split('\n').length;
    const report = await findings();
    expect(report).toContainEqual({ id: `witness:${lineNo}`, reason: expect.stringMatching(new RegExp(`^line ${lineNo} of the witness file cannot be read`)) });
  });

  it('reports a record inserted outside the application', async () => {
    const c = await buildComplaint();
    const id = randomUUID();
    await asSuperuser(
      `INSERT INTO complaint_holds (id, complaint_id, stage, started_at, reason) VALUES ($1, $2, 'classification', now(), 'chèn lén')`,
      [id, c.id],
    );
    expect(await findings()).toContainEqual({ id: `ComplaintHold:${id}`, reason: expect.stringMatching(/no audit trail/) });
  });
});

describe('disposal purges a case’s content and the trail still verifies', () => {
  it('leaves no copy of the case’s text anywhere in the database, and no finding about the case', async () => {
    // The random token survives the search column's folding, so a scan finds every copy.
    const token = randomBytes(6).toString('hex');
    const marker = `Nội dung riêng tư ${token}`;
    const { complaint: c, archive } = await sealedTestArchive({ subject: `Tiêu đề ${marker}`, description: `Mô tả ${marker}` });
    const before = await countAuditEvents({ complaintId: c.id }, {});
    expect(before).toBeGreaterThanOrEqual(3);
    expect(await textFound(token)).not.toEqual([]);

    await disposeTestArchive(archive);

    expect(await textFound(token)).toEqual([]);
    const events = await AuditEvent.findAll({ where: { complaintId: c.id }, order: [['position', 'ASC']] });
    expect(events.map((e) => e.action)).toContain('complaint.disposed');
    // Every event stays, signed and chained; only the disposal's own content remains (the tombstone's proof).
    expect(events.filter((e) => e.contentValue() !== null).map((e) => e.action)).toEqual(['complaint.disposed']);
    const report = await verifyAuditTrail();
    expect(report.failures.filter((f) => f.id.includes(c.id) || events.some((e) => e.id === f.id))).toEqual([]);
  });
});

/** Every table and column whose text contains `needle` (a full scan: what a dump would show). */
async function textFound(needle: string): Promise<string[]> {
  const tables = await sequelize().query<{ table: string }>(
    `SELECT table_name AS "table" FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    { type: QueryTypes.SELECT },
  );
  const found: string[] = [];
  for (const { table } of tables) {
    const [{ n }] = await sequelize().query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE $1`, {
      bind: [`%${needle}%`],
      type: QueryTypes.SELECT,
    });
    if (n > 0) found.push(table);
  }
  return found;
}
