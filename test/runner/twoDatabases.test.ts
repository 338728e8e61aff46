import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../support/db';

/**
 * A file with two databases gets two: on the embedded database the worker's shared PGlite
 * (test/support/sharedEmbedded.ts) is handed to one of them only, and the other boots its own —
 * never the same PGlite reset under the first.
 */
const first = useTestDatabase();
const second = useTestDatabase();

it('keeps two databases of one file apart', async () => {
  const codes = async (which: typeof first) =>
    (await which.get().sequelize.query<{ code: string }>("SELECT code FROM departments WHERE code LIKE 'TWO-%' ORDER BY code", { type: QueryTypes.SELECT })).map((r) => r.code);
  await first.get().sequelize.query("INSERT INTO departments (code, name) VALUES ('TWO-1', 'Phòng một')");
  await second.get().sequelize.query("INSERT INTO departments (code, name) VALUES ('TWO-2', 'Phòng hai')");
  expect(await codes(first)).toEqual(['TWO-1']);
  expect(await codes(second)).toEqual(['TWO-2']);
  expect(first.get().sequelize).not.toBe(second.get().sequelize);
});
