import type { Migration } from './types';
import * as m0001 from './0001-platform';
import * as m0002 from './0002-intake-workflow';
import * as m0003 from './0003-reference-prefix';
import * as m0004 from './0004-holiday-calendar';
import * as m0005 from './0005-login-throttle';
import * as m0006 from './0006-recurrence';
import * as m0007 from './0007-conditional-immutability';
import * as m0008 from './0008-outbox';
import * as m0009 from './0009-job-runs';
import * as m0010 from './0010-audit-trail-v2';
import * as m0011 from './0011-case-clocks';
import * as m0012 from './0012-audit-append-new-chain';
import * as m0013 from './0013-evidence';
import * as m0014 from './0014-findings';
import * as m0015 from './0015-meetings';
import * as m0016 from './0016-regulatory';
import * as m0017 from './0017-solutions';
import * as m0018 from './0018-actions';
import * as m0019 from './0019-letters';
import * as m0020 from './0020-archives';
import * as m0021 from './0021-notifications';

/** Every migration, in order. Listed by hand so the build and the tests see the same set. */
export const migrations: Array<{ name: string; up: Migration }> = [
  { name: '0001-platform', up: m0001.up },
  { name: '0002-intake-workflow', up: m0002.up },
  { name: '0003-reference-prefix', up: m0003.up },
  { name: '0004-holiday-calendar', up: m0004.up },
  { name: '0005-login-throttle', up: m0005.up },
  { name: '0006-recurrence', up: m0006.up },
  { name: '0007-conditional-immutability', up: m0007.up },
  { name: '0008-outbox', up: m0008.up },
  { name: '0009-job-runs', up: m0009.up },
  { name: '0010-audit-trail-v2', up: m0010.up },
  { name: '0011-case-clocks', up: m0011.up },
  { name: '0012-audit-append-new-chain', up: m0012.up },
  { name: '0013-evidence', up: m0013.up },
  { name: '0014-findings', up: m0014.up },
  { name: '0015-meetings', up: m0015.up },
  { name: '0016-regulatory', up: m0016.up },
  { name: '0017-solutions', up: m0017.up },
  { name: '0018-actions', up: m0018.up },
  { name: '0019-letters', up: m0019.up },
  { name: '0020-archives', up: m0020.up },
  { name: '0021-notifications', up: m0021.up },
];
