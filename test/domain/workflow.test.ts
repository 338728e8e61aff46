import { HOLDABLE, STAGES } from '../../src/domain/workflow';
import { blockers, CAPABILITIES, checkTransition, defineProcedure, EDGES, nextStages, type CaseFacts, type Capability } from '../../src/procedure';
import { facts } from '../support/caseFacts';


const targets = (f: CaseFacts) => nextStages(f).map((e) => e.to).sort();

describe('the stage table', () => {
  it('has the edges of PRODUCT.md, each from and to a known stage', () => {
    for (const e of EDGES) {
      expect(STAGES).toContain(e.from);
      expect(STAGES).toContain(e.to);
    }
    expect(targets(facts())).toEqual(['investigation', 'on_hold']);
    expect(targets(facts({ status: 'review' }))).toEqual(['on_hold', 'response', 'solution']);
    expect(targets(facts({ status: 'response' }))).toEqual(['disputed', 'follow_up', 'on_hold', 'solution']);
    expect(targets(facts({ status: 'closed' }))).toEqual([]);
    expect(targets(facts({ status: 'disputed' }))).toEqual(['closed']);
  });

  it('lets feedback go only from intake to closed (or on hold)', () => {
    expect(targets(facts({ kind: 'feedback' }))).toEqual(['closed', 'on_hold']);
  });

  it('offers answering as time-barred only for time-barred complaints', () => {
    expect(targets(facts({ timeBarred: true }))).toEqual(['closed', 'investigation', 'on_hold']);
  });

  it('resumes a held case only to the stage it was held in', () => {
    expect(targets(facts({ status: 'on_hold', heldStatus: 'solution' }))).toEqual(['solution']);
    for (const stage of HOLDABLE) expect(targets(facts({ status: stage })).includes('on_hold')).toBe(true);
  });
});

describe('checkTransition', () => {
  it('names every missing requirement at once', () => {
    const r = checkTransition(facts({ timeBarred: true, customerHasEmail: false }), { to: 'investigation' });
    expect(r.ok).toBe(false);
    if (!r.ok && r.reason === 'missing') expect(r.missing.map((m) => m.path)).toEqual(['acknowledgedVia', 'timeBarredDecision']);
  });

  it('accepts the requirements given in the request itself', () => {
    expect(checkTransition(facts({ timeBarred: true, customerHasEmail: false }), { to: 'investigation', acknowledgedVia: 'phone', timeBarredDecision: 'accept' }).ok).toBe(true);
  });

  it('refuses the decision that does not match the edge', () => {
    const r = checkTransition(facts({ timeBarred: true, timeBarredDecision: 'answer_time_barred' }), { to: 'investigation' });
    expect(!r.ok && r.reason === 'missing' && r.missing[0].key).toBe('workflow.missing.timeBarred.accept');
  });

  it('lists the allowed targets for an edge that does not exist', () => {
    const r = checkTransition(facts({ status: 'investigation' }), { to: 'closed' });
    expect(r).toEqual({ ok: false, reason: 'no_edge', allowed: ['solution', 'on_hold'] });
  });

  it('keeps a serious-harm case open until a decision is signed, and any case while a review is open', () => {
    const closing = { status: 'follow_up' as const, followUpRecorded: true };
    expect(checkTransition(facts({ ...closing, regulatoryReviewRequired: true }), { to: 'closed' }).ok).toBe(false);
    expect(checkTransition(facts({ ...closing, regulatoryReviewRequired: true, regulatoryDecided: true }), { to: 'closed' }).ok).toBe(true);
    expect(checkTransition(facts({ ...closing, regulatoryReviewOpen: true }), { to: 'closed' }).ok).toBe(false);
  });

  it('takes round 1 rejections back to solution and round 2 rejections to dispute', () => {
    const response = { status: 'response' as const, reason: 'x' };
    expect(checkTransition(facts({ ...response }), { to: 'solution', reason: 'x' }).ok).toBe(true);
    expect(checkTransition(facts({ ...response }), { to: 'disputed', reason: 'x' }).ok).toBe(false);
    expect(checkTransition(facts({ ...response, round: 2 }), { to: 'disputed', reason: 'x' }).ok).toBe(true);
  });

  it('tells what only other records can provide (blockers) from what the request itself may carry', () => {
    const edgeTo = (f: CaseFacts, to: string) => nextStages(f).find((e) => e.to === to)!;
    // A reason, a note, the acknowledgment channel or the time-barred decision come with the request: no blocker.
    const barred = facts({ timeBarred: true, customerHasEmail: false });
    expect(blockers(barred, edgeTo(barred, 'investigation'))).toEqual([]);
    // The time-barred letter is a record of its own: until it is issued, it blocks the answer.
    expect(blockers(barred, edgeTo(barred, 'closed')).map((m) => m.path)).toEqual(['letters']);
    const answered = { ...barred, issuedLetters: [{ kind: 'time_barred' as const, round: 1 }] };
    expect(blockers(answered, edgeTo(answered, 'closed'))).toEqual([]);
    // A signed regulatory decision and the round do not.
    const closing = facts({ status: 'follow_up', regulatoryReviewRequired: true, followUpRecorded: true });
    expect(blockers(closing, edgeTo(closing, 'closed')).map((m) => m.path)).toEqual(['regulatory']);
    expect(blockers({ ...closing, regulatoryDecided: true }, edgeTo(closing, 'closed'))).toEqual([]);
    const response = facts({ status: 'response' });
    expect(blockers(response, edgeTo(response, 'disputed')).map((m) => m.path)).toEqual(['round']);
    expect(blockers(response, edgeTo(response, 'solution'))).toEqual([]);
  });

  it('lets a later capability add a guard to an edge', () => {
    // A capability registers its guard for a requirement of src/procedure/steps.ts, in a procedure
    // built from the registrations: the shared one is never modified.
    const solution: Capability<{ solutionRecorded: boolean }> = {
      name: 'solution & review',
      issue: 10,
      facts: () => ({ solutionRecorded: false }),
      guards: { proposedSolution: (f) => (f.solutionRecorded ? [] : [{ path: 'solution', message: 'Record the solution.' }]), notByProposer: () => [] },
      abilities: [],
    };
    const others = CAPABILITIES.filter((c) => c.name !== 'solution & review');
    const withSolution = defineProcedure<CaseFacts & { solutionRecorded: boolean }>([...others, solution]);
    const before = EDGES.find((e) => e.from === 'solution' && e.to === 'review')!.requires.length;
    expect(withSolution.check({ ...facts({ status: 'solution' }), solutionRecorded: false }, { to: 'review' }).ok).toBe(false);
    expect(withSolution.check({ ...facts({ status: 'solution' }), solutionRecorded: true }, { to: 'review' }).ok).toBe(true);
    expect(EDGES.find((e) => e.from === 'solution' && e.to === 'review')!.requires.length).toBe(before);
    expect(checkTransition(facts({ status: 'solution', proposal: { id: 'p1', proposedBy: 'u1', returned: false, reviewed: false } }), { to: 'review' }).ok).toBe(true);
    const stray: Capability<object> = { name: 'solution & review', issue: 10, facts: () => ({}), guards: { closedToIntake: () => [] } as Capability<object>['guards'], abilities: [] };
    expect(() => defineProcedure([...others, stray])).toThrow('No edge');
  });
});
