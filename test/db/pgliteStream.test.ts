import pg from 'pg';
import { QueryTypes, Transaction } from 'sequelize';
import { startEmbedded, type EmbeddedServer } from '../../src/db/embedded';
import { createSequelize } from '../../src/db';
import { PGliteStream } from '../../src/db/pgliteStream';
import { EMBEDDED_TEMPLATE_ENV } from '../support/testDatabase';
import { TemplateFS } from '../support/templateFs';

/**
 * `pg` on the embedded database without a socket (src/db/pgliteStream.ts): the bytes of the wire
 * protocol go into PGlite in-process. What a socket gave for free must still hold: whole answers
 * of any size, errors that leave the connection usable, a transaction rolled back when its client
 * goes away, and many callers at once through the one pooled connection without their statements
 * mixing. Its own PGlite from the run's embedded template, on both test databases.
 */
let embedded: EmbeddedServer;

beforeAll(async () => {
  const template = process.env[EMBEDDED_TEMPLATE_ENV];
  if (!template) throw new Error('The jest global setup did not prepare the embedded template.');
  embedded = await startEmbedded({ filesystem: await TemplateFS.of(template) });
  await embedded.db.exec('CREATE TABLE stream_probe (id int PRIMARY KEY, name text NOT NULL)');
});

afterAll(() => embedded?.stop());

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: embedded.url, stream: () => new PGliteStream(embedded.db) });
  await c.connect();
  return c;
}

describe('the in-process stream into PGlite', () => {
  it('answers simple and parameterised statements, Vietnamese text intact, and answers of several megabytes whole', async () => {
    const c = await client();
    try {
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const name = 'Nguyễn Thị Ánh — khiếu nại số 7';
      const echoed = await c.query('SELECT $1::text AS name, $2::int + 1 AS next', [name, 41]);
      expect(echoed.rows).toEqual([{ name, next: 42 }]);
      // Several statements in one simple query: the last one's rows.
      const multi = await c.query('SELECT 1; SELECT 2 AS two');
      expect(Array.isArray(multi) ? multi[1].rows : multi.rows).toEqual([{ two: 2 }]);
      const big = await c.query("SELECT g AS n, repeat('ư', 50) AS pad FROM generate_series(1, 40000) AS g");
      expect(big.rows).toHaveLength(40_000);
      expect(big.rows[39_999]).toEqual({ n: 40_000, pad: 'ư'.repeat(50) });
    } finally {
      await c.end();
    }
  });

  it('reports a failing statement with its SQLSTATE and stays usable, inside a transaction and out', async () => {
    const c = await client();
    try {
      await c.query('INSERT INTO stream_probe VALUES (1, $1)', ['một']);
      await expect(c.query('INSERT INTO stream_probe VALUES (1, $1)', ['hai'])).rejects.toMatchObject({ code: '23505' });
      await c.query('BEGIN');
      await expect(c.query('SELECT $1::int', ['không phải số'])).rejects.toMatchObject({ code: '22P02' });
      await expect(c.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
      await c.query('ROLLBACK');
      expect((await c.query('SELECT name FROM stream_probe WHERE id = 1')).rows).toEqual([{ name: 'một' }]);
    } finally {
      await c.end();
    }
  });

  it('rolls back the transaction of a client that ends inside it', async () => {
    const c = await client();
    await c.query('BEGIN');
    await c.query('INSERT INTO stream_probe VALUES (2, $1)', ['bỏ dở']);
    expect(embedded.db.isInTransaction()).toBe(true);
    await c.end();
    expect(embedded.db.isInTransaction()).toBe(false);
    const after = await client();
    try {
      expect((await after.query('SELECT count(*)::int AS n FROM stream_probe WHERE id = 2')).rows).toEqual([{ n: 0 }]);
    } finally {
      await after.end();
    }
  });

  it('serves 40 callers at once through one pooled connection: every transaction whole, every answer its own', async () => {
    const s = createSequelize(embedded.url, 1, embedded.db);
    try {
      await s.query('INSERT INTO stream_probe VALUES (100, $1)', { bind: ['0'] });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          s.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, async (t) => {
            const [row] = await s.query<{ name: string }>('SELECT name FROM stream_probe WHERE id = 100 FOR UPDATE', { transaction: t, type: QueryTypes.SELECT });
            await s.query('UPDATE stream_probe SET name = $1 WHERE id = 100', { bind: [String(Number(row.name) + 1)], transaction: t });
            const [own] = await s.query<{ mine: string }>('SELECT $1::text AS mine', { bind: [`người gọi ${i}`], transaction: t, type: QueryTypes.SELECT });
            return own.mine;
          }),
        ),
      );
      expect(results).toEqual(Array.from({ length: 40 }, (_, i) => `người gọi ${i}`));
      expect(await s.query('SELECT name FROM stream_probe WHERE id = 100', { type: QueryTypes.SELECT })).toEqual([{ name: '40' }]);
    } finally {
      await s.close();
    }
  });
});
