import { blobStore } from '../storage/blobStore';
import { CronJob, type JobContext } from './CronJob';

/** Staged bytes older than this with no blob are a crashed upload's (staging itself takes seconds). */
export const STAGED_MAX_AGE_MS = 3600_000;

/**
 * Removes the bytes of uploads that were staged but never recorded (the process died between the
 * chunks and the evidence's transaction): they belong to no blob and nobody can read them.
 */
export class EvidenceSweepJob extends CronJob {
  readonly name = 'evidence-sweep';
  readonly schedule = '17 * * * *';

  async perform(ctx: JobContext) {
    // Each round is one DELETE of at most 100 sets, its own statement: no transaction is held.
    for (let round = 0; round < 50; round++) {
      const sets = await blobStore().sweep(STAGED_MAX_AGE_MS);
      ctx.count('chunkSets', sets);
      if (sets === 0) break;
    }
  }
}
