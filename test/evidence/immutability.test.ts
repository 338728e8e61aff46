import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';
import { PNG, storeCounts, uploadVia } from './helpers';

const t = useTestApp();
const role = `casebook_evidence_app_${randomBytes(4).toString('hex')}`;

/** Runs `sql` as the app role in a transaction of its own; resolves to the SQLSTATE it failed with (null: it succeeded). */
async function asApp(sql: string, bind: unknown[] = []): Promise<string | null> {
  try {
    await sequelize().transaction(async (tx) => {
      await sequelize().query(`SET LOCAL ROLE ${role}`, { transaction: tx });
      await sequelize().query(sql, { bind, transaction: tx });
    });
    return null;
  } catch (err) {
    return ((err as { parent?: { code?: string } }).parent?.code ?? String(err)) as string;
  }
}

describe('evidence is append-only in the database (SQLSTATE CB001, as the app role)', () => {
  beforeAll(async () => {
    // Like production's casebook_app (docs/production-roles.sql): plain DML, no superuser, owns no table.
    await sequelize().query(`CREATE ROLE ${role} NOLOGIN NOSUPERUSER`);
    await sequelize().query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await sequelize().query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  });
  afterAll(async () => {
    await sequelize().query(`DROP OWNED BY ${role}`);
    await sequelize().query(`DROP ROLE ${role}`);
  });

  it('refuses DELETE and every UPDATE but recording the withdrawal once; blobs and their chunks never change', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const up = await uploadVia(t.app, quality.auth, c.id, 'a.png', PNG);
    const id = up.body.id as string;
    const before = await storeCounts();

    expect(await asApp('DELETE FROM evidence WHERE id = $1', [id])).toBe('CB001');
    expect(await asApp(`UPDATE evidence SET description = 'khác' WHERE id = $1`, [id])).toBe('CB001');
    expect(await asApp(`UPDATE evidence SET blob_sha256 = repeat('0', 64) WHERE id = $1`, [id])).toBe('CB001');
    // The one change allowed: the withdrawal, and it may not change anything else at the same time.
    expect(await asApp(`UPDATE evidence SET withdrawn_at = now(), withdrawal_reason = 'x', filename = 'y.png' WHERE id = $1`, [id])).toBe('CB001');
    expect(await asApp(`UPDATE evidence SET withdrawn_at = now(), withdrawal_reason = 'Tải nhầm', version = version + 1 WHERE id = $1`, [id])).toBeNull();
    // Once withdrawn, nothing changes again (not even the reason).
    expect(await asApp(`UPDATE evidence SET withdrawal_reason = 'Lý do khác' WHERE id = $1`, [id])).toBe('CB001');
    expect(await asApp('TRUNCATE evidence')).not.toBeNull();

    expect(await asApp('DELETE FROM evidence_blobs WHERE sha256 = $1', [up.body.sha256])).toBe('CB001');
    expect(await asApp('UPDATE evidence_blobs SET size = size + 1 WHERE sha256 = $1', [up.body.sha256])).toBe('CB001');
    const [{ chunk_set: set }] = await sequelize().query<{ chunk_set: string }>('SELECT chunk_set FROM evidence_blobs WHERE sha256 = $1', { bind: [up.body.sha256], type: QueryTypes.SELECT });
    expect(await asApp('DELETE FROM evidence_blob_chunks WHERE chunk_set = $1', [set])).toBe('CB001');
    expect(await asApp(`UPDATE evidence_blob_chunks SET data = '\\x00' WHERE chunk_set = $1`, [set])).toBe('CB001');
    expect(await asApp(`INSERT INTO evidence_blob_chunks (chunk_set, seq, data) VALUES ($1, 1, '\\x00')`, [set])).toBe('CB001');
    // The app role cannot switch the triggers off either.
    expect(await asApp('ALTER TABLE evidence DISABLE TRIGGER evidence_append_only')).toBe('42501');
    expect(await asApp('SET session_replication_role = replica')).toBe('42501');
    expect(await storeCounts()).toEqual(before);
  });

  it('maps a refused change to 409 immutable_record at the API', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const up = await uploadVia(t.app, quality.auth, c.id, 'a.png', PNG);
    // Withdrawn behind the application's back: the command still finds the row open, the trigger refuses.
    await sequelize().query(`UPDATE evidence SET withdrawn_at = now(), withdrawal_reason = 'x' WHERE id = $1`, { bind: [up.body.id] });
    const res = await t.request().post(`/api/v1/evidence/${up.body.id}/withdraw`).set(quality.auth).send({ reason: 'y' });
    expect(res.status).toBe(409);
  });
});
