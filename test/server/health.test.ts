import request from 'supertest';
import { createApp } from '../../src/app';
import { openDatabase } from '../../src/db';
import { testConfig } from '../support/app';

describe('GET /health when the database is unreachable', () => {
  it('answers 503 with db "down" quickly, not a 500', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const database = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing', poolMax: 1 });
    try {
      const res = await request(createApp(testConfig())).get('/health');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', db: 'down' });
    } finally {
      await database.close();
    }
  });
});
