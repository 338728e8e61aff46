import argon2 from 'argon2';
import { hashCost, hashPassword, PRODUCTION_HASH_COST, TEST_HASH_COST, verifyPassword } from '../../src/lib/passwords';

/** The parameters argon2 encodes in a hash (`$argon2id$v=19$m=…,p=…,t=…$salt$hash`), as [m, t, p]. */
function params(hash: string): number[] {
  const [, algorithm, version, list] = hash.split('$');
  expect([algorithm, version]).toEqual(['argon2id', 'v=19']);
  const values = Object.fromEntries(list.split(',').map((kv) => kv.split('=')));
  return [values.m, values.t, values.p].map(Number);
}

describe('password hashing cost', () => {
  it('keeps the production cost at argon2id 64 MiB, t=3, p=1 everywhere but NODE_ENV=test', () => {
    expect(PRODUCTION_HASH_COST).toEqual({ memoryCost: 65536, timeCost: 3, parallelism: 1 });
    for (const NODE_ENV of ['production', 'development', undefined, '', 'TEST', 'testing']) expect(hashCost({ NODE_ENV })).toBe(PRODUCTION_HASH_COST);
    expect(hashCost({ NODE_ENV: 'test' })).toBe(TEST_HASH_COST);
    expect(TEST_HASH_COST).toEqual({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  });

  it('hashes at production cost outside tests', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const hash = await hashPassword('correct horse battery staple');
      expect(params(hash)).toEqual([65536, 3, 1]);
      expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    } finally {
      process.env.NODE_ENV = saved;
    }
  });

  it('hashes at test cost under NODE_ENV=test, and the hash verifies (and refuses a wrong password)', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    const hash = await hashPassword('correct horse battery staple');
    expect(params(hash)).toEqual([1024, 1, 1]);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('verifies a hash made at any cost, whatever the current one (argon2 reads the cost from the hash)', async () => {
    const production = await argon2.hash('một mật khẩu đủ dài', { type: argon2.argon2id, ...PRODUCTION_HASH_COST });
    const other = await argon2.hash('một mật khẩu đủ dài', { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 });
    for (const hash of [production, other]) {
      expect(await verifyPassword(hash, 'một mật khẩu đủ dài')).toBe(true);
      expect(await verifyPassword(hash, 'mot mat khau du dai')).toBe(false);
    }
  });
});
