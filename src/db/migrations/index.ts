import type { Migration } from './types';
import * as m0001 from './0001-platform';
import * as m0002 from './0002-intake-workflow';
import * as m0003 from './0003-reference-prefix';

/** Every migration, in order. Listed by hand so the build and the tests see the same set. */
export const migrations: Array<{ name: string; up: Migration }> = [
  { name: '0001-platform', up: m0001.up },
  { name: '0002-intake-workflow', up: m0002.up },
  { name: '0003-reference-prefix', up: m0003.up },
];
