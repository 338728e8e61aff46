import { ConfigError, loadConfig } from '../../src/config';

const production = { NODE_ENV: 'production', SESSION_SECRET: 'a-production-secret-of-length' } as const;

describe('loadConfig: demo data and production', () => {
  it('loads demo data by default on the embedded database outside production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).demo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://u@127.0.0.1/db' }).demo).toBe(false);
  });

  it('defaults demo data to off with NODE_ENV=production, also on the embedded database', () => {
    expect(loadConfig({ ...production }).demo).toBe(false);
    expect(loadConfig({ ...production, DEMO: '0' }).demo).toBe(false);
  });

  it('refuses an explicit DEMO=1 with NODE_ENV=production, with a message saying why', () => {
    for (const DEMO of ['1', 'true', 'yes']) {
      expect(() => loadConfig({ ...production, DEMO })).toThrow(ConfigError);
      expect(() => loadConfig({ ...production, DEMO })).toThrow(/DEMO: demo data creates nine accounts with a published password/);
    }
  });
});
