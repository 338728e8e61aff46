import { seedDemo } from '../../seeds/demo';
import { seedDemoCases } from '../../seeds/demoCases';
import { runWithContext, systemContext } from '../../src/lib/context';
import { ActionCase, Complaint, CorrectiveAction } from '../../src/models';
import { useTestDatabase } from '../support/db';

useTestDatabase();

describe('the demo data', () => {
  it('gives the substantiated cases their actions: one answering two complaints, a supplier long-term fix still open after the dispute, an overdue one', async () => {
    await runWithContext(systemContext('test'), async () => {
      await seedDemo();
      await seedDemoCases('Asia/Ho_Chi_Minh');
    });
    const actions = await CorrectiveAction.findAll();
    expect(actions.length).toBeGreaterThanOrEqual(5);
    const links = await ActionCase.findAll();
    const shared = actions.filter((a) => links.filter((l) => l.actionId === a.id).length === 2);
    expect(shared.map((a) => a.type)).toEqual(['containment']);
    const supplier = actions.find((a) => a.type === 'supplier_long_term')!;
    expect(supplier).toMatchObject({ status: 'planned', supplierName: 'Công ty TNHH Tân Phát', supplierRef: 'NCC-TANPHAT' });
    expect(actions.some((a) => a.status === 'planned' && a.dueAt.getTime() < Date.now())).toBe(true);
    // The closed case's action was done before it closed.
    const closed = await Complaint.findOne({ where: { subject: 'Lõi lọc giao sai chủng loại' } });
    expect(closed!.status).toBe('closed');
    const closedActions = actions.filter((a) => a.openedOn === closed!.id);
    expect(closedActions.map((a) => a.status)).toEqual(['done']);
  });
});
