import { DatabaseService } from '@app/persistence';
import { CallsRepository } from '../../libs/ingestion/src/calls/calls.repository';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The end of every sync judges each stored call with a linked payment again,
 * a batch of payments at a time (ingestion-writer judgeAllAgain). The batches
 * must cover every payment once, in order, however the calls share them.
 */
describe('batches of linked payments judged again', () => {
  let t: TestApp;
  let calls: CallsRepository;

  beforeAll(async () => {
    t = await startTestApp();
    const database = t.app.get(DatabaseService);
    calls = t.app.get(CallsRepository);
    // Nine calls over five payments (two shared by several calls), and two calls without one.
    const links = ['pay_e', 'pay_a', 'pay_c', 'pay_a', 'pay_b', 'pay_e', 'pay_d', 'pay_a', 'pay_c', null, null];
    await database.client.call.createMany({
      data: links.map((linkedPaymentId, index) => ({
        id: `call_${index}`,
        linkedPaymentId,
        currency: 'usd',
        commissionable: false,
        raw: {},
        contentHash: `hash_${index}`,
      })),
    });
  });

  afterAll(() => t.close());

  it('walks every distinct payment once, in order, a batch at a time', async () => {
    const database = t.app.get(DatabaseService).client;
    const batches: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const batch: string[] = await calls.linkedPaymentIdsAfter(database, after, 2);
      batches.push(batch);
      if (batch.length < 2) break;
      after = batch[batch.length - 1];
    }
    expect(batches).toEqual([['pay_a', 'pay_b'], ['pay_c', 'pay_d'], ['pay_e']]);
  });

  it('gives nothing after the last payment', async () => {
    expect(await calls.linkedPaymentIdsAfter(t.app.get(DatabaseService).client, 'pay_e', 2)).toEqual([]);
  });
});
