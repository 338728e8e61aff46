import fs from 'node:fs';
import path from 'node:path';
import * as caseTransitioner from '../../src/commands/caseTransitioner';
import * as workflow from '../../src/domain/workflow';
import { SUPPLIED_WITH_TRANSITION, type Stage, type TransitionInput } from '../../src/domain/workflow';
import { transitionForms } from '../../src/features/complaints/view';
import { translator } from '../../src/lib/i18n';
import {
  CAPABILITIES,
  checkTransition,
  customerAnswer,
  defineProcedure,
  EDGES,
  nextStages,
  offer,
  procedure,
  REQUIREMENTS,
  reviewDecision,
  roundAfter,
  STEPS,
  type Capability,
  type CaseFacts,
} from '../../src/procedure';
import { facts } from '../support/caseFacts';


/** PRODUCT.md "What each step requires (the guards, exactly)", row by row (plus feedback, holds and resuming, stated below the table). */
const PRODUCT_TABLE: Array<[from: Stage, to: Stage]> = [
  ['intake', 'investigation'],
  ['intake', 'closed'],
  ['investigation', 'solution'],
  ['solution', 'review'],
  ['review', 'response'],
  ['review', 'solution'],
  ['response', 'follow_up'],
  ['response', 'solution'],
  ['response', 'disputed'],
  ['follow_up', 'closed'],
  ['disputed', 'closed'],
];

describe('the procedure registry: every row of PRODUCT.md "What each step requires"', () => {
  it('has a step for every edge of the table (the copy above matches PRODUCT.md when the spec is at hand)', () => {
    const spec = path.join(__dirname, '../../../shared/spec/PRODUCT.md');
    if (fs.existsSync(spec)) {
      const text = fs.readFileSync(spec, 'utf8');
      const table = text.slice(text.indexOf('### What each step requires'), text.indexOf('The satisfaction survey is not a guard'));
      const edges = [...table.matchAll(/`(\w+) → (\w+)`/g)].map((m) => [m[1], m[2]]);
      expect(edges).toEqual(PRODUCT_TABLE);
    }
    for (const [from, to] of PRODUCT_TABLE) expect({ from, to, present: EDGES.some((e) => e.from === from && e.to === to) }).toEqual({ from, to, present: true });
    // Feedback closes on the spot; every open stage can be held; a held case resumes.
    expect(EDGES.filter((e) => e.to === 'closed' && e.from === 'intake').map((e) => e.step).sort()).toEqual(['intake.closed_feedback', 'intake.closed_time_barred']);
    expect(EDGES.filter((e) => e.to === 'on_hold').map((e) => e.from)).toEqual([...workflow.HOLDABLE]);
    expect(nextStages(facts({ status: 'on_hold', heldStatus: 'review' })).map((e) => [e.step, e.to])).toEqual([['on_hold.resume', 'review']]);
  });

  it('lists what each step requires, in PRODUCT.md order, with the issue that registers what cannot be recorded yet', () => {
    const requires = Object.fromEntries(STEPS.map((s) => [s.id, [...s.requires]]));
    expect(requires).toEqual({
      'intake.investigation': ['acknowledgment', 'acknowledgmentChannel', 'timeBarredAccepted'],
      'intake.closed_time_barred': ['acknowledgment', 'acknowledgmentChannel', 'timeBarredAnswered', 'answerNote', 'noOpenRegulatoryReview', 'timeBarredLetter'],
      'intake.closed_feedback': ['acknowledgmentChannel', 'answerNote', 'noOpenRegulatoryReview'],
      'investigation.solution': ['findings', 'evidenceOrReason'],
      'solution.review': ['proposedSolution', 'actionWhenSubstantiated'],
      'review.response': ['notByProposer'],
      'review.solution': ['reason', 'notByProposer'],
      'response.follow_up': ['resolutionLetter'],
      'response.solution': ['reason', 'rejectionRound'],
      'response.disputed': ['reason', 'rejectionRound'],
      'follow_up.closed': ['followUpOutcome', 'actionsDone', 'noOpenRegulatoryReview', 'reportFiled'],
      'disputed.closed': ['answerNote', 'noOpenRegulatoryReview'],
      'any.on_hold': ['reason'],
      'on_hold.resume': [],
    });
    // Every capability has landed: nothing is pending.
    expect(procedure.pending.map((p) => [p.requirement, p.issue, p.by])).toEqual([]);
    // Everything else is guarded today, by the landed capability.
    const guarded = Object.entries(REQUIREMENTS).filter(([, r]) => !('issue' in r)).map(([id]) => id);
    expect(new Set(guarded)).toEqual(new Set(Object.keys(CAPABILITIES[0].guards)));
  });

  it('does not block on what later issues register: a complaint goes the whole way with what the request carries and the landed records', () => {
    const recorded = { substantiated: false, rootCause: 'Lỗi lắp đặt.', recurring: false, responsibleDepartmentId: null };
    const path: Array<[Partial<CaseFacts>, TransitionInput]> = [
      [{ status: 'intake' }, { to: 'investigation' }],
      [{ status: 'investigation', findings: recorded, evidenceCount: 1 }, { to: 'solution' }],
      [{ status: 'solution', proposal: { id: 'p1', proposedBy: 'u1', returned: false, reviewed: false } }, { to: 'review' }],
      [{ status: 'review' }, { to: 'response' }],
      [{ status: 'response', issuedLetters: [{ kind: 'resolution', round: 1 }] }, { to: 'follow_up' }],
      [{ status: 'follow_up', followUpRecorded: true }, { to: 'closed' }],
    ];
    for (const [over, input] of path) expect({ input, ok: checkTransition(facts(over), input).ok }).toEqual({ input, ok: true });
  });
});

/** A capability as a later issue registers one: a stand-in for the follow-up of issue 10 (registered in its place). */
const followUp: Capability<{ outcomeRecorded: boolean }> = {
  name: 'follow-up',
  issue: 10,
  facts: ({ complaint }) => ({ outcomeRecorded: complaint.subject === 'with outcome' }),
  guards: { followUpOutcome: (f) => (f.outcomeRecorded ? [] : [{ path: 'followUp', message: 'Record the follow-up outcome.', key: 'test.followUp' }]) },
  detail: { followUp: async () => [{ satisfied: true }] },
  dossier: { followUp: async () => ({ sections: [{ order: 90, title: 'Theo dõi', blocks: [{ kind: 'note', text: 'Khách hài lòng.' }] }] }) },
  abilities: [{ action: 'update', subject: 'Complaint' }],
};
type WithFollowUp = CaseFacts & { outcomeRecorded: boolean };

describe('a registered guard', () => {
  const withFollowUp = defineProcedure<WithFollowUp>([...CAPABILITIES.filter((c) => c.name !== 'follow-up'), followUp]);
  const following = (outcomeRecorded: boolean): WithFollowUp => ({ ...facts({ status: 'follow_up' }), outcomeRecorded });

  it('blocks its edge with its field errors and their stable keys, and is no longer pending', () => {
    const refused = withFollowUp.check(following(false), { to: 'closed' });
    expect(refused).toMatchObject({ ok: false, reason: 'missing', missing: [{ path: 'followUp', key: 'test.followUp', message: 'Record the follow-up outcome.' }] });
    expect(withFollowUp.check(following(true), { to: 'closed' }).ok).toBe(true);
    expect(withFollowUp.pending.map((p) => p.requirement)).not.toContain('followUpOutcome');
    expect(withFollowUp.pending.map((p) => p.requirement)).toEqual(procedure.pending.map((p) => p.requirement).filter((r) => r !== 'followUpOutcome'));
    // The shared procedure is not touched by building another one.
    expect(checkTransition(facts({ status: 'follow_up', followUpRecorded: true }), { to: 'closed' }).ok).toBe(true);
  });

  it('withholds the form with the same errors (the offer is the guard result)', () => {
    const edge = withFollowUp.edgesFrom(following(false)).find((e) => e.to === 'closed')!;
    const refused = withFollowUp.check(following(false), { to: 'closed' });
    expect(withFollowUp.offer(following(false), edge).blockers).toEqual(!refused.ok && refused.reason === 'missing' ? refused.missing : null);
    expect(withFollowUp.offer(following(true), edge).blockers).toEqual([]);
  });

  it('loads its typed facts and contributes to the case detail, the dossier and the jobs', async () => {
    // Without the landed capability's own dossier loaders, which read the database (test/dispute covers them).
    const only = defineProcedure<CaseFacts & { outcomeRecorded: boolean }>([{ ...CAPABILITIES[0], dossier: undefined }, followUp]);
    const complaint = { kind: 'complaint', status: 'follow_up', heldStatus: null, round: 1, subject: 'with outcome', timeBarred: false, timeBarredDecision: null, acknowledgedAt: null, regulatoryReviewRequired: false };
    const ctx = { complaint, customer: { email: null } } as unknown as Parameters<typeof only.facts>[0];
    const loaded = await only.facts(ctx);
    expect(loaded).toMatchObject({ status: 'follow_up', outcomeRecorded: true, customerHasEmail: false });
    expect(Object.isFrozen(loaded)).toBe(true);
    expect(await only.detail(ctx)).toEqual({ followUp: [{ satisfied: true }] });
    expect(await only.dossier(ctx as Parameters<typeof only.dossier>[0])).toEqual({ followUp: { sections: [{ order: 90, title: 'Theo dõi', blocks: [{ kind: 'note', text: 'Khách hài lòng.' }] }] } });
    expect(only.jobs()).toEqual([]);
    // What the registered capabilities add to the case detail, one key each.
    expect(procedure.capabilities.flatMap((c) => Object.keys(c.detail ?? {}))).toEqual(['evidence', 'findings', 'meetings', 'regulatory', 'signatures', 'solutions', 'actions', 'followUps', 'letters', 'survey', 'slaBreaches']);
  });

  it('is refused at build time when it does not fit the steps', () => {
    const base = CAPABILITIES.filter((c) => c.name !== 'follow-up' && c.name !== 'letters');
    expect(() => defineProcedure([...base, followUp, followUp])).toThrow('registered twice');
    expect(() => defineProcedure([...base, { ...followUp, name: 'letters' }])).toThrow('is registered by "follow-up", not by "letters"');
    expect(() => defineProcedure([...base, { ...followUp, guards: {} }])).toThrow('Capability "follow-up" registers no guard for "followUpOutcome"');
    expect(() => defineProcedure([...base, followUp, { ...followUp, name: 'letters', guards: { timeBarredLetter: () => [], resolutionLetter: () => [] } }])).toThrow('Two capabilities contribute "followUp" to the detail');
    expect(() => defineProcedure([{ ...base[0], abilities: [] }])).toThrow('which no capability declares');
    expect(() => defineProcedure([])).toThrow('names no issue that registers "intake & workflow"');
    const loadsTwice: Capability<{ timeBarred: boolean }> = { ...followUp, facts: () => ({ timeBarred: true }), guards: { followUpOutcome: () => [] } };
    // Facts that load from the database stay out: this is about the registry alone.
    const twice = defineProcedure([base[0], loadsTwice]);
    return expect(twice.facts({ complaint: { timeBarred: false }, customer: {} } as unknown as Parameters<typeof twice.facts>[0])).rejects.toThrow('already loaded');
  });
});

describe('the case page offer comes from the same guards the command runs', () => {
  const t = translator('en');
  const cases: Array<Partial<CaseFacts>> = [
    {},
    { customerHasEmail: false },
    { customerHasEmail: false, timeBarred: true },
    { timeBarred: true },
    { acknowledgedAt: new Date() },
    { kind: 'feedback' },
    { kind: 'feedback', customerHasEmail: false },
    { status: 'investigation' },
    { status: 'review' },
    { status: 'response' },
    { status: 'response', round: 2 },
    { status: 'follow_up' },
    { status: 'follow_up', regulatoryReviewRequired: true },
    { status: 'follow_up', regulatoryReviewOpen: true },
    { status: 'disputed' },
    { status: 'disputed', regulatoryReviewRequired: true },
    { status: 'on_hold', heldStatus: 'solution' },
  ];
  const sample: Record<(typeof SUPPLIED_WITH_TRANSITION)[number], string> = { note: 'Đã trả lời.', reason: 'Lý do.', acknowledgedVia: 'phone', timeBarredDecision: '' };

  it.each(cases)('asks exactly for what the guards miss, withholds what only other records give (%o)', (over) => {
    const f = facts(over);
    const edges = nextStages(f);
    const forms = transitionForms(edges, f, t);
    for (const form of forms) {
      const check = checkTransition(f, { to: form.to });
      const missing = check.ok ? [] : check.reason === 'missing' ? check.missing : [];
      const supplied = new Set<string>(SUPPLIED_WITH_TRANSITION);
      const required = [...new Set(missing.filter((m) => supplied.has(m.path)).map((m) => m.path))].sort();
      const formRequired = (['reason', 'note', 'acknowledgedVia'] as const).filter((k) => form[k] === 'required') as string[];
      if (form.timeBarredDecision) formRequired.push('timeBarredDecision');
      expect({ to: form.to, required: formRequired.sort() }).toEqual({ to: form.to, required });
      expect({ to: form.to, blockedBy: form.blockedBy }).toEqual({ to: form.to, blockedBy: missing.filter((m) => !supplied.has(m.path)).map((m) => t(m.key!, m.params ?? {})) });
      // Filling in what the form asks (with the value it carries) is enough — unless the form is withheld.
      const input: TransitionInput = { to: form.to };
      for (const k of formRequired) Object.assign(input, { [k]: k === 'timeBarredDecision' ? form.timeBarredDecision : sample[k as keyof typeof sample] });
      expect({ to: form.to, ok: checkTransition(f, input).ok }).toEqual({ to: form.to, ok: form.blockedBy.length === 0 });
      const edge = edges.find((e) => e.to === form.to)!;
      expect(offer(f, edge).blockers.map((m) => m.key)).toEqual(missing.filter((m) => !supplied.has(m.path)).map((m) => m.key));
    }
  });
});

describe('rounds and the dispute, in one place', () => {
  it('maps the customer answer and the review to their targets, and counts the rounds', () => {
    expect(customerAnswer(1, { accepted: true, reason: 'OK' })).toEqual({ to: 'follow_up', note: 'OK' });
    expect(customerAnswer(1, { accepted: false, reason: 'Không' })).toEqual({ to: 'solution', reason: 'Không' });
    expect(customerAnswer(2, { accepted: false, reason: 'Không' })).toEqual({ to: 'disputed', reason: 'Không' });
    expect(reviewDecision({ approved: true, comment: 'Đồng ý' })).toEqual({ to: 'response', note: 'Đồng ý' });
    expect(reviewDecision({ approved: false, comment: 'Bổ sung' })).toEqual({ to: 'solution', reason: 'Bổ sung' });
    expect(roundAfter('response', 'solution', 1)).toBe(2);
    expect(roundAfter('review', 'solution', 2)).toBe(2);
    // The rejection guard agrees with the answer's target in every round.
    for (const round of [1, 2]) {
      const input = customerAnswer(round, { accepted: false, reason: 'x' });
      expect(checkTransition(facts({ status: 'response', round }), input).ok).toBe(true);
    }
  });
});

describe('no mutable global registration', () => {
  it('is one immutable object built at one bootstrap, with no addGuard / addFactLoader', () => {
    expect('addGuard' in workflow).toBe(false);
    expect('addFactLoader' in caseTransitioner).toBe(false);
    expect(Object.isFrozen(procedure)).toBe(true);
    expect(Object.isFrozen(procedure.edges)).toBe(true);
    expect(procedure.edges.every((e) => Object.isFrozen(e))).toBe(true);
    expect(Object.isFrozen(procedure.pending)).toBe(true);
    expect(Object.isFrozen(CAPABILITIES)).toBe(true);
    expect(() => (procedure.edges as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (procedure as unknown as Record<string, unknown>).check = () => ({ ok: true });
    }).toThrow(TypeError);
    // The one call site of defineProcedure in the application is src/procedure/index.ts.
    const src = path.join(__dirname, '../../src');
    const files = (fs.readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const callers = files.filter((f) => /defineProcedure(<[^>]*>)?\(/.test(fs.readFileSync(path.join(src, f), 'utf8')) && !f.endsWith(path.join('procedure', 'registry.ts')));
    expect(callers).toEqual([path.join('procedure', 'index.ts')]);
  });
});
