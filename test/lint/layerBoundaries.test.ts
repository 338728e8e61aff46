import path from 'node:path';
import { ESLint } from 'eslint';

/**
 * The layer boundaries of eslint.config.mjs (docs/ARCHITECTURE.md "Layers") fire: each snippet is
 * linted as if it were the named file, with the repository's own configuration.
 */
const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });

async function restricted(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const kept = [x];\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const refused: Array<[file: string, source: string]> = [
  ['src/features/customers/pages.ts', "import { x } from '../complaints/entryForm';"],
  ['src/features/auth/schema.ts', "import type { x } from '../users/schema';"],
  ['src/features/home/pages.ts', "export { x } from '../../features/audit/api';"],
  ['src/http/auth.ts', "import { x } from '../features/auth/api';"],
  ['src/domain/workflow.ts', "import { x } from '../models';"],
  ['src/domain/holidays.ts', "import { x } from '../db';"],
  ['src/domain/roles.ts', "import { x } from '../http/auth';"],
  ['src/commands/users.ts', "import { x } from '../features/users/schema';"],
  ['src/queries/complaints.ts', "import { x } from '../http/pageLocals';"],
  ['src/presenters/complaints.ts', "import type { x } from '../features/complaints/view';"],
  ['src/models/Complaint.ts', "import { x } from '../http/openapi';"],
  ['src/jobs/scheduler.ts', "import { x } from '../features/health/api';"],
  ['src/outbox/worker.ts', "import { x } from '../http/auth';"],
  ['src/db/migrations/0004-holiday-calendar.ts', "import { x } from '../../domain/holidays';"],
  ['src/db/migrations/0012-next.ts', "import { x } from '../../models';"],
  ['src/db/migrations/0012-next.ts', "import { x } from '../../commands/settings';"],
  ['src/db/migrations/0012-next.ts', "import { x } from '../../features/settings/schema';"],
  ['src/db/migrations/lib/auditV2.ts', "import { x } from '../../../audit/witness';"],
];

const accepted: Array<[file: string, source: string]> = [
  ['src/features/customers/pages.ts', "import { x } from '../../http/forms';"],
  ['src/features/customers/pages.ts', "import { x } from './schema';"],
  ['src/features/complaints/pages.ts', "import { x } from '../../presenters/complaints';"],
  ['src/http/customerPicker.ts', "import { x } from '../presenters/customers';"],
  ['src/presenters/complaints.ts', "import { x } from '../domain/clocks';"],
  ['src/domain/clocks.ts', "import { x } from './workflow';"],
  ['src/db/migrations/0004-holiday-calendar.ts', "import { x } from './lib/preloadedCalendar';"],
  ['src/db/migrations/lib/auditV2.ts', "import { x } from '../../../audit/keys';"],
];

describe('layer boundaries (no-restricted-imports)', () => {
  test.each(refused)('%s may not: %s', async (file, source) => {
    expect(await restricted(file, source)).toHaveLength(1);
  });

  test.each(accepted)('%s may: %s', async (file, source) => {
    expect(await restricted(file, source)).toEqual([]);
  });
});
