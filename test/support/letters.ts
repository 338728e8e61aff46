import { issueLetter, type LetterInput } from '../../src/commands/letters';
import type { Letter } from '../../src/models';
import type { LetterKind } from '../../src/models/Letter';
import { asActor } from './context';
import { buildUser } from './factories';

const ZONE = 'Asia/Ho_Chi_Minh';

/**
 * Issues a letter of `kind` on a case as a quality officer would (the command itself, allowed
 * everything): by post, in Vietnamese, unless overridden; an invitation gets a meeting.
 */
export async function issueTestLetter(complaintId: string, kind: LetterKind, overrides: Partial<LetterInput> = {}): Promise<Letter> {
  const officer = await buildUser({ roles: ['quality'] });
  const input: LetterInput = {
    template: kind,
    channel: 'post',
    locale: 'vi',
    ...(kind === 'invitation' ? { meeting: { at: new Date(Date.now() + 86_400_000).toISOString(), place: 'Văn phòng Công ty, tầng 5' } } : {}),
    ...overrides,
  };
  return asActor(() => issueLetter(complaintId, input, { userId: officer.id, reads: () => true, may: () => true }, ZONE), {
    userId: officer.id,
    roles: ['quality'],
    label: officer.name,
  });
}
