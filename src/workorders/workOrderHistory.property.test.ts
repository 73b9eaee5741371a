import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { ensureTestAccounts, testContext } from '../http/testing/buildTestApp.ts';
import { ensureAreaOrganisations } from '../access/users/areaOrganisations.ts';
import { AppError } from '../core/appError.ts';
import type { WorkOrderStatus } from '../db/schema.ts';
import { findOrder } from './workOrderRepository.ts';
import { actorOf, replay, workOrderActions, workOrderStatuses } from './workOrderLifecycle.ts';
import type { WorkOrders } from './workOrders.ts';

/**
 * Issue 8's property, through the real service and database: random sequences of actions by random
 * people (the handler's staff, another organisation's, a dispatcher) on real orders never leave an
 * order in an unknown state, a refusal changes nothing, and every order's recorded history replays
 * — step by step through the lifecycle's table — to the order as stored.
 */
describeEachDatabase('work-order histories (property)', (getDb) => {
  let workOrders: WorkOrders;
  let organisations: { id: string; area_code: string }[] = [];
  beforeAll(async () => {
    const test = getDb();
    await ensureTestAccounts(test);
    await ensureAreaOrganisations(test.db, '371082000000', [{ code: 'medical_security', zh: '医疗保障局' }]);
    workOrders = testContext(test).workOrders;
    organisations = (
      await test.db.selectFrom('organisations').select(['id', 'area_code']).orderBy('area_code').execute()
    ).filter((_, i) => i % 97 === 0);
  }, 60_000);
  afterAll(() => undefined);

  it('random actions never reach an illegal state and every history replays to its order', async () => {
    const db = getDb().db;
    const step = fc.record({
      action: fc.constantFrom(...workOrderActions),
      // Mostly the person the action is for; sometimes the wrong one.
      who: fc.constantFrom('right' as const, 'right' as const, 'right' as const, 'stranger' as const),
      org: fc.nat({ max: 1000 }),
      outcome: fc.constantFrom('enrolled' as const, 'referred' as const, 'not_eligible' as const),
      note: fc.constantFrom('', '原因说明', '原因说明', '原因说明'),
      stale: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    });
    let orders = 0;
    let applied = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 8, maxLength: 24 }),
        fc.nat({ max: 1000 }),
        async (steps, at) => {
          const home = organisations[at % organisations.length];
          if (!home) throw new Error('no organisations');
          const id = await workOrders.create(
            {
              source: 'manual',
              type: 'manual',
              title: '性质测试',
              description: null,
              householdId: null,
              personId: null,
              areaCode: home.area_code,
              priority: 'normal',
              slaWorkingDays: 5,
              organisationId: at % 3 === 0 ? null : home.id,
              callerName: null,
              callerPhone: null,
              coHandlers: [],
            },
            { userId: 'dispatcher', organisationId: null, canDispatch: true },
          );
          orders++;
          for (const s of steps) {
            const row = await findOrder(db, id, { kind: 'all' });
            if (!row) throw new Error('order vanished');
            const target = organisations[s.org % organisations.length]?.id ?? home.id;
            const actor =
              s.who === 'stranger'
                ? { userId: 'stranger', organisationId: 'someone-else', canDispatch: false }
                : actorOf(s.action) === 'handler'
                  ? { userId: 'handler', organisationId: row.organisation_id, canDispatch: false }
                  : { userId: 'dispatcher', organisationId: null, canDispatch: true };
            try {
              await workOrders.act(
                row,
                {
                  action: s.action,
                  note: s.note,
                  organisationId: target,
                  outcome: s.outcome,
                  outcomePolicyId: 'dibao',
                  outcomeProvider: '市慈善总会',
                },
                actor,
                new Date(),
                // A stale version (someone else moved it first) must be refused, never applied.
                s.stale ? row.version - 1 : row.version,
              );
              expect(s.stale).toBe(false);
              applied++;
            } catch (e) {
              expect(e).toBeInstanceOf(AppError);
              refused++;
              const after = await findOrder(db, id, { kind: 'all' });
              expect(after?.version).toBe(row.version);
              expect(after?.status).toBe(row.status);
            }
          }
          const stored = await findOrder(db, id, { kind: 'all' });
          const events = await db
            .selectFrom('work_order_events')
            .select(['seq', 'action', 'to_status', 'organisation_id', 'detail_json', 'note'])
            .where('order_id', '=', id)
            .orderBy('seq')
            .execute();
          expect(workOrderStatuses).toContain(stored?.status as WorkOrderStatus);
          expect(events).toHaveLength(stored?.version ?? -1);
          const state = replay(events);
          expect(state).toMatchObject({ status: stored?.status, organisationId: stored?.organisation_id });
        },
      ),
      { numRuns: 60 },
    );
    // The run exercised both sides: moves applied and moves refused.
    expect(orders).toBe(60);
    expect(applied).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(40);
  }, 120_000);
});
