import { AppError } from '../core/appError.ts';
import type { Label } from '../core/label.ts';
import type { WorkOrderOutcome, WorkOrderStatus } from '../db/schema.ts';

/**
 * The work order's lifecycle as a closed table (issue 8): what each action may start from, where it
 * leads, what it needs, and who may take it. Everything that moves an order goes through
 * `transition`, so an illegal state cannot be written; `replay` folds an order's recorded events
 * back through the same table, so the history and the current state cannot disagree unnoticed.
 */
export type WorkOrderAction =
  | 'dispatch'
  | 'accept'
  | 'start'
  | 'pause'
  | 'resume'
  | 'resolve'
  | 'verify'
  | 'close'
  | 'transfer'
  | 'return'
  | 'escalate'
  | 'reopen'
  | 'cancel';

export const workOrderActions: readonly WorkOrderAction[] = [
  'dispatch',
  'accept',
  'start',
  'pause',
  'resume',
  'resolve',
  'verify',
  'close',
  'transfer',
  'return',
  'escalate',
  'reopen',
  'cancel',
];

export const workOrderStatuses: readonly WorkOrderStatus[] = [
  'created',
  'dispatched',
  'accepted',
  'in_progress',
  'paused',
  'resolved',
  'verified',
  'closed',
  'returned',
  'cancelled',
];

export const workOrderOutcomes: readonly WorkOrderOutcome[] = ['enrolled', 'referred', 'not_eligible'];

/** Who takes an action: staff of the handling organisation, or a dispatcher (the system escalates too). */
export type Actor = 'handler' | 'dispatcher';

interface Rule {
  from: readonly WorkOrderStatus[];
  to: WorkOrderStatus;
  by: Actor;
  /** A reason is required (transfer, return, pause, reopen, cancel): the history says why. */
  reason: boolean;
  /** A target organisation is required (dispatch, transfer). */
  organisation: boolean;
}

const rules: Record<WorkOrderAction, Rule> = {
  dispatch: {
    from: ['created', 'returned'],
    to: 'dispatched',
    by: 'dispatcher',
    reason: false,
    organisation: true,
  },
  accept: { from: ['dispatched'], to: 'accepted', by: 'handler', reason: false, organisation: false },
  start: { from: ['accepted'], to: 'in_progress', by: 'handler', reason: false, organisation: false },
  // Waiting for the applicant (materials, a home visit arranged): the clock stops.
  pause: {
    from: ['accepted', 'in_progress'],
    to: 'paused',
    by: 'handler',
    reason: true,
    organisation: false,
  },
  resume: { from: ['paused'], to: 'in_progress', by: 'handler', reason: false, organisation: false },
  resolve: {
    from: ['accepted', 'in_progress'],
    to: 'resolved',
    by: 'handler',
    reason: false,
    organisation: false,
  },
  verify: { from: ['resolved'], to: 'verified', by: 'dispatcher', reason: false, organisation: false },
  close: { from: ['verified'], to: 'closed', by: 'dispatcher', reason: false, organisation: false },
  transfer: {
    from: ['dispatched', 'accepted', 'in_progress'],
    to: 'dispatched',
    by: 'dispatcher',
    reason: true,
    organisation: true,
  },
  // Wrongly routed: back to the dispatcher, counted against the routing rule that sent it.
  return: {
    from: ['dispatched', 'accepted'],
    to: 'returned',
    by: 'handler',
    reason: true,
    organisation: false,
  },
  // To the organisation one level up (village → township → county), which handles or re-dispatches it.
  escalate: {
    from: ['dispatched', 'accepted', 'in_progress'],
    to: 'dispatched',
    by: 'dispatcher',
    reason: true,
    organisation: true,
  },
  // The dispatcher finds the result wanting, or the case comes back: the handler works on it again.
  reopen: {
    from: ['resolved', 'verified', 'closed'],
    to: 'in_progress',
    by: 'dispatcher',
    reason: true,
    organisation: false,
  },
  cancel: {
    from: ['created', 'returned'],
    to: 'cancelled',
    by: 'dispatcher',
    reason: true,
    organisation: false,
  },
};

/** Statuses, actions and the fields actions need, in both languages: error messages name them. */
export const statusWords: Record<WorkOrderStatus, Label> = {
  created: { zh: '待派发', en: 'waiting to be dispatched' },
  dispatched: { zh: '已派发', en: 'dispatched' },
  accepted: { zh: '已接单', en: 'accepted' },
  in_progress: { zh: '办理中', en: 'in progress' },
  paused: { zh: '暂停（等待申请人）', en: 'paused (waiting for the applicant)' },
  resolved: { zh: '已办结', en: 'resolved' },
  verified: { zh: '已核验', en: 'verified' },
  closed: { zh: '已关闭', en: 'closed' },
  returned: { zh: '已退回', en: 'returned' },
  cancelled: { zh: '已撤销', en: 'cancelled' },
};

export const actionWords: Record<WorkOrderAction, Label> = {
  dispatch: { zh: '派发', en: 'dispatched' },
  accept: { zh: '接单', en: 'accepted' },
  start: { zh: '开始办理', en: 'started' },
  pause: { zh: '暂停', en: 'paused' },
  resume: { zh: '恢复办理', en: 'resumed' },
  resolve: { zh: '办结', en: 'resolved' },
  verify: { zh: '核验', en: 'verified' },
  close: { zh: '关闭', en: 'closed' },
  transfer: { zh: '转派', en: 'transferred' },
  return: { zh: '退回', en: 'returned' },
  escalate: { zh: '升级', en: 'escalated' },
  reopen: { zh: '重新打开', en: 'reopened' },
  cancel: { zh: '撤销', en: 'cancelled' },
};

export const fieldWords = {
  reason: { zh: '原因', en: 'a reason' },
  organisation: { zh: '承办单位', en: 'the handling organisation' },
  outcome: { zh: '办理结果', en: 'the outcome' },
  policy: { zh: '纳入的政策', en: 'the policy enrolled in' },
  poolPolicy: { zh: '政策库中的政策', en: 'a policy of the welfare pool' },
  provider: { zh: '转介的服务机构', en: 'the provider referred to' },
  ineligible: { zh: '不符合条件的原因', en: 'why it is not eligible' },
} satisfies Record<string, Label>;

/** What an action carries besides its name. */
export interface ActionInput {
  action: WorkOrderAction;
  note?: string | null;
  organisationId?: string | null;
  outcome?: WorkOrderOutcome | null;
  outcomePolicyId?: string | null;
  outcomeProvider?: string | null;
}

/** The part of an order the lifecycle decides. */
export interface OrderState {
  status: WorkOrderStatus;
  organisationId: string | null;
  outcome: WorkOrderOutcome | null;
}

export const actorOf = (action: WorkOrderAction): Actor => rules[action].by;
export const allowedFrom = (action: WorkOrderAction): readonly WorkOrderStatus[] => rules[action].from;

/** The actions open from a status: the buttons a page offers. */
export function actionsFrom(status: WorkOrderStatus): WorkOrderAction[] {
  return workOrderActions.filter((a) => rules[a].from.includes(status));
}

/** Open orders are the ones someone still has to act on; the clock runs on the handler's. */
export const isOpen = (status: WorkOrderStatus): boolean =>
  status !== 'closed' && status !== 'cancelled' && status !== 'verified';
export const clockRuns = (status: WorkOrderStatus): boolean =>
  status === 'dispatched' || status === 'accepted' || status === 'in_progress';

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** The state after an action, or an AppError that names the status, the action and what is missing. */
export function transition(state: OrderState, input: ActionInput): OrderState {
  const rule = rules[input.action];
  const action = actionWords[input.action];
  if (!rule.from.includes(state.status))
    throw new AppError('WORKORDER_TRANSITION_INVALID', { status: statusWords[state.status], action });
  if (rule.reason && blank(input.note))
    throw new AppError('WORKORDER_FIELD_REQUIRED', { action, field: fieldWords.reason });
  if (rule.organisation && blank(input.organisationId))
    throw new AppError('WORKORDER_FIELD_REQUIRED', { action, field: fieldWords.organisation });
  let outcome = state.outcome;
  if (input.action === 'resolve') {
    if (!input.outcome) throw new AppError('WORKORDER_FIELD_REQUIRED', { action, field: fieldWords.outcome });
    // Each outcome names what it is about: the policy enrolled in, the provider, or why not eligible.
    if (input.outcome === 'enrolled' && blank(input.outcomePolicyId))
      throw new AppError('WORKORDER_FIELD_REQUIRED', { action, field: fieldWords.policy });
    if (input.outcome === 'referred' && blank(input.outcomeProvider))
      throw new AppError('WORKORDER_FIELD_REQUIRED', { action, field: fieldWords.provider });
    if (input.outcome === 'not_eligible' && blank(input.note))
      throw new AppError('WORKORDER_FIELD_REQUIRED', { action, field: fieldWords.ineligible });
    outcome = input.outcome;
  }
  if (input.action === 'reopen') outcome = null;
  return {
    status: rule.to,
    organisationId: rule.organisation ? (input.organisationId ?? null) : state.organisationId,
    outcome,
  };
}

/** A recorded transition, as the events table keeps it. */
export interface RecordedEvent {
  seq: number;
  action: string;
  to_status: WorkOrderStatus;
  organisation_id: string | null;
  detail_json: string | null;
  note: string | null;
}

/**
 * An order's state replayed from its events through `transition`: the first is its creation
 * (created, or dispatched when routed at once); each later one must be legal from the state
 * before it, must land where it says, and must carry the next sequence number.
 */
export function replay(events: readonly RecordedEvent[]): OrderState {
  const [first, ...rest] = events;
  if (!first || first.seq !== 1 || first.action !== 'create')
    throw new Error('history does not start with its creation');
  let state: OrderState = { status: first.to_status, organisationId: first.organisation_id, outcome: null };
  let seq = 1;
  for (const e of rest) {
    if (e.seq !== ++seq) throw new Error(`event ${e.seq} where ${seq} was expected`);
    // A co-handler's part moves without moving the order.
    if (e.action === 'part_accept' || e.action === 'part_done') {
      if (e.to_status !== state.status) throw new Error(`event ${String(e.seq)} moves the order on a part`);
      continue;
    }
    const detail = e.detail_json ? (JSON.parse(e.detail_json) as Partial<ActionInput>) : {};
    state = transition(state, {
      ...detail,
      action: e.action as WorkOrderAction,
      note: e.note ?? null,
      organisationId: e.organisation_id,
    });
    if (state.status !== e.to_status)
      throw new Error(`event ${e.seq} says ${e.to_status}, replay gives ${state.status}`);
  }
  return state;
}
