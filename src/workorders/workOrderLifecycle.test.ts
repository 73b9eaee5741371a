import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/appError.ts';
import type { WorkOrderStatus } from '../db/schema.ts';
import {
  actionsFrom,
  isOpen,
  replay,
  transition,
  workOrderActions,
  workOrderStatuses,
  type ActionInput,
  type OrderState,
  type RecordedEvent,
} from './workOrderLifecycle.ts';

const created: OrderState = { status: 'created', organisationId: null, outcome: null };
const codeOf = (f: () => unknown) => {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof AppError ? e.code : 'not an AppError';
  }
};

/** Everything a caller might send: the fields an action needs are sometimes there, sometimes not. */
const anyInput: fc.Arbitrary<ActionInput> = fc.record({
  action: fc.constantFrom(...workOrderActions),
  note: fc.option(fc.constantFrom('', '  ', '核实后不符合', '等待补交材料'), { nil: undefined }),
  organisationId: fc.option(fc.constantFrom('org-a', 'org-b', ''), { nil: undefined }),
  outcome: fc.option(fc.constantFrom('enrolled' as const, 'referred' as const, 'not_eligible' as const), {
    nil: undefined,
  }),
  outcomePolicyId: fc.option(fc.constantFrom('dibao', ''), { nil: undefined }),
  outcomeProvider: fc.option(fc.constantFrom('市慈善总会', ''), { nil: undefined }),
});

describe('work-order lifecycle', () => {
  it('walks the happy path: dispatched, accepted, in progress, resolved, verified, closed', () => {
    let s = transition(created, { action: 'dispatch', organisationId: 'village' });
    expect(s).toEqual({ status: 'dispatched', organisationId: 'village', outcome: null });
    s = transition(s, { action: 'accept' });
    s = transition(s, { action: 'start' });
    s = transition(s, { action: 'resolve', outcome: 'enrolled', outcomePolicyId: 'dibao' });
    expect(s).toEqual({ status: 'resolved', organisationId: 'village', outcome: 'enrolled' });
    s = transition(transition(s, { action: 'verify' }), { action: 'close' });
    expect(s.status).toBe('closed');
    expect(isOpen(s.status)).toBe(false);
  });

  it('refuses an action from the wrong status, naming both in Chinese', () => {
    const error = (() => {
      try {
        transition(created, { action: 'close' });
      } catch (e) {
        return e as AppError;
      }
      return null;
    })();
    expect(error?.code).toBe('WORKORDER_TRANSITION_INVALID');
    expect(error?.params).toEqual({
      status: { zh: '待派发', en: 'waiting to be dispatched' },
      action: { zh: '关闭', en: 'closed' },
    });
  });

  it('asks for what each action needs: a reason, a handler, an outcome and what it is about', () => {
    const dispatched: OrderState = { status: 'dispatched', organisationId: 'v', outcome: null };
    const inProgress: OrderState = { status: 'in_progress', organisationId: 'v', outcome: null };
    expect(codeOf(() => transition(created, { action: 'dispatch' }))).toBe('WORKORDER_FIELD_REQUIRED');
    expect(codeOf(() => transition(dispatched, { action: 'return', note: ' ' }))).toBe(
      'WORKORDER_FIELD_REQUIRED',
    );
    expect(codeOf(() => transition(dispatched, { action: 'transfer', organisationId: 't' }))).toBe(
      'WORKORDER_FIELD_REQUIRED',
    );
    expect(codeOf(() => transition(inProgress, { action: 'resolve' }))).toBe('WORKORDER_FIELD_REQUIRED');
    expect(codeOf(() => transition(inProgress, { action: 'resolve', outcome: 'enrolled' }))).toBe(
      'WORKORDER_FIELD_REQUIRED',
    );
    expect(codeOf(() => transition(inProgress, { action: 'resolve', outcome: 'referred' }))).toBe(
      'WORKORDER_FIELD_REQUIRED',
    );
    expect(codeOf(() => transition(inProgress, { action: 'resolve', outcome: 'not_eligible' }))).toBe(
      'WORKORDER_FIELD_REQUIRED',
    );
    expect(
      transition(inProgress, { action: 'resolve', outcome: 'not_eligible', note: '收入超标' }).status,
    ).toBe('resolved');
  });

  it('offers from each status exactly the actions transition accepts from it', () => {
    for (const status of workOrderStatuses)
      for (const action of workOrderActions) {
        const offered = actionsFrom(status).includes(action);
        const code = codeOf(() =>
          transition(
            { status, organisationId: 'v', outcome: null },
            { action, note: '原因', organisationId: 'o', outcome: 'not_eligible' },
          ),
        );
        expect(code === null, `${status} × ${action}`).toBe(offered);
      }
  });

  it('never reaches an illegal state, and every history replays to the state it recorded (random actions)', () => {
    // What each status may be reached by: the table, read backwards (an independent statement of the rules).
    const reachedBy: Record<WorkOrderStatus, string[]> = {
      created: ['create'],
      dispatched: ['dispatch', 'transfer', 'escalate'],
      accepted: ['accept'],
      in_progress: ['start', 'resume', 'reopen'],
      paused: ['pause'],
      resolved: ['resolve'],
      verified: ['verify'],
      closed: ['close'],
      returned: ['return'],
      cancelled: ['cancel'],
    };
    fc.assert(
      fc.property(fc.array(anyInput, { maxLength: 60 }), (inputs) => {
        let state = created;
        const events: RecordedEvent[] = [
          {
            seq: 1,
            action: 'create',
            to_status: 'created',
            organisation_id: null,
            detail_json: null,
            note: null,
          },
        ];
        for (const input of inputs) {
          let next: OrderState;
          try {
            next = transition(state, input);
          } catch (e) {
            // A refusal is an AppError and changes nothing.
            expect(e).toBeInstanceOf(AppError);
            continue;
          }
          expect(reachedBy[next.status]).toContain(input.action);
          // A resolved order always has an outcome; nothing else does, except what stays after verify and close.
          if (next.status === 'resolved') expect(next.outcome).not.toBeNull();
          if (
            ['in_progress', 'dispatched', 'accepted', 'created', 'returned'].includes(next.status) &&
            input.action === 'reopen'
          )
            expect(next.outcome).toBeNull();
          // Dispatched orders always have a handler.
          if (next.status === 'dispatched') expect(next.organisationId).toBeTruthy();
          state = next;
          events.push({
            seq: events.length + 1,
            action: input.action,
            to_status: next.status,
            organisation_id: next.organisationId,
            detail_json: JSON.stringify({
              outcome: input.outcome ?? null,
              outcomePolicyId: input.outcomePolicyId ?? null,
              outcomeProvider: input.outcomeProvider ?? null,
            }),
            note: input.note ?? null,
          });
        }
        const replayed = replay(events);
        expect(replayed.status).toBe(state.status);
        expect(replayed.organisationId).toBe(state.organisationId);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a history with a gap, a repeat or a step that does not land where it says', () => {
    const base: [RecordedEvent, RecordedEvent, RecordedEvent] = [
      {
        seq: 1,
        action: 'create',
        to_status: 'created',
        organisation_id: null,
        detail_json: null,
        note: null,
      },
      {
        seq: 2,
        action: 'dispatch',
        to_status: 'dispatched',
        organisation_id: 'v',
        detail_json: null,
        note: null,
      },
      {
        seq: 3,
        action: 'accept',
        to_status: 'accepted',
        organisation_id: 'v',
        detail_json: null,
        note: null,
      },
    ];
    expect(replay(base).status).toBe('accepted');
    expect(() => replay([base[0], base[2]])).toThrow(/expected/);
    expect(() => replay([...base, { ...base[2], seq: 3 }])).toThrow(/expected/);
    expect(() => replay([base[0], base[1], { ...base[2], to_status: 'closed' }])).toThrow(
      /replay gives accepted/,
    );
    expect(() => replay([base[0], base[1], { ...base[2], action: 'close' }])).toThrow(AppError);
    expect(() => replay(base.slice(1))).toThrow(/creation/);
  });
});
