import type { MessageKey } from '../i18n/messages.ts';

/** Work orders (issue 8) as the API answers: the shapes, and the words and colours the console uses. */
export type OrderStatus =
  | 'created'
  | 'dispatched'
  | 'accepted'
  | 'in_progress'
  | 'paused'
  | 'resolved'
  | 'verified'
  | 'closed'
  | 'returned'
  | 'cancelled';
export type OrderPriority = 'urgent' | 'high' | 'normal' | 'low';
export type OrderSource = 'finding' | 'hotline' | 'manual' | 'application';
export type OrderClock = 'not_started' | 'on_time' | 'near_due' | 'overdue' | 'paused' | 'stopped';
export type OrderOutcome = 'enrolled' | 'referred' | 'not_eligible';
export type OrderAction =
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

export interface WorkOrder {
  id: string;
  source: OrderSource;
  type: string;
  title: string;
  description: string | null;
  findingId: string | null;
  policyId: string | null;
  householdId: string | null;
  hukouNumber: string | null;
  areaCode: string;
  organisationId: string | null;
  organisationName: string | null;
  routingRuleId: string | null;
  priority: OrderPriority;
  status: OrderStatus;
  outcome: OrderOutcome | null;
  outcomePolicyId: string | null;
  outcomeProvider: string | null;
  outcomeNote: string | null;
  slaWorkingDays: number;
  clockStartedOn: string | null;
  dueOn: string | null;
  clock: OrderClock;
  workingDaysLeft: number | null;
  overdue: boolean;
  escalationLevel: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export interface OrderEvent {
  seq: number;
  at: string;
  actor: string;
  actorName: string | null;
  action: string;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  organisationName: string | null;
  note: string | null;
  detail: {
    outcome?: OrderOutcome;
    outcomePolicyId?: string | null;
    outcomeProvider?: string | null;
    part?: string;
  } | null;
}

export type PartStatus = 'pending' | 'accepted' | 'done';

export interface OrderPart {
  organisationId: string;
  organisationName: string;
  task: string;
  status: PartStatus;
  note: string | null;
  updatedAt: string;
}

export interface OrderDetail extends WorkOrder {
  policyName: string | null;
  outcomePolicyName: string | null;
  callerName: string | null;
  callerPhone: string | null;
  actions: OrderAction[];
  myPart: { status: PartStatus; task: string } | null;
  parts: OrderPart[];
  events: OrderEvent[];
  comments: { id: number; at: string; authorName: string | null; body: string }[];
  attachments: { id: string; name: string; contentType: string; size: number; uploadedAt: string }[];
}

export interface OrganisationRef {
  id: string;
  name: string;
  kind: string;
  areaCode: string;
  department: string | null;
}

export interface InboxMessage {
  id: number;
  orderId: string | null;
  kind: string;
  title: string;
  body: string | null;
  createdAt: string;
  readAt: string | null;
}

export const orderStatuses: OrderStatus[] = [
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
/** Statuses someone still has to act on as the handler: the clock runs or waits. */
export const handlingStatuses: OrderStatus[] = ['dispatched', 'accepted', 'in_progress', 'paused'];

export const statusKey: Record<OrderStatus, MessageKey> = {
  created: 'woStatusCreated',
  dispatched: 'woStatusDispatched',
  accepted: 'woStatusAccepted',
  in_progress: 'woStatusInProgress',
  paused: 'woStatusPaused',
  resolved: 'woStatusResolved',
  verified: 'woStatusVerified',
  closed: 'woStatusClosed',
  returned: 'woStatusReturned',
  cancelled: 'woStatusCancelled',
};
export const statusColor: Record<OrderStatus, string> = {
  created: 'default',
  dispatched: 'blue',
  accepted: 'cyan',
  in_progress: 'processing',
  paused: 'warning',
  resolved: 'purple',
  verified: 'green',
  closed: 'default',
  returned: 'magenta',
  cancelled: 'default',
};

export const priorities: OrderPriority[] = ['urgent', 'high', 'normal', 'low'];
export const priorityKey: Record<OrderPriority, MessageKey> = {
  urgent: 'woPriorityUrgent',
  high: 'woPriorityHigh',
  normal: 'woPriorityNormal',
  low: 'woPriorityLow',
};
export const priorityColor: Record<OrderPriority, string> = {
  urgent: 'red',
  high: 'orange',
  normal: 'blue',
  low: 'default',
};

export const sources: OrderSource[] = ['finding', 'hotline', 'manual', 'application'];
export const sourceKey: Record<OrderSource, MessageKey> = {
  finding: 'woSourceFinding',
  hotline: 'woSourceHotline',
  manual: 'woSourceManual',
  application: 'woSourceApplication',
};

export const clockKey: Record<OrderClock, MessageKey> = {
  not_started: 'woClockNotStarted',
  on_time: 'woClockOnTime',
  near_due: 'woClockNearDue',
  overdue: 'woClockOverdue',
  paused: 'woClockPaused',
  stopped: 'woClockStopped',
};
export const clockColor: Record<OrderClock, string> = {
  not_started: 'default',
  on_time: 'green',
  near_due: 'orange',
  overdue: 'red',
  paused: 'gold',
  stopped: 'default',
};

export const outcomes: OrderOutcome[] = ['enrolled', 'referred', 'not_eligible'];
export const outcomeKey: Record<OrderOutcome, MessageKey> = {
  enrolled: 'woOutcomeEnrolled',
  referred: 'woOutcomeReferred',
  not_eligible: 'woOutcomeNotEligible',
};

export const actionKey: Record<OrderAction, MessageKey> = {
  dispatch: 'woActionDispatch',
  accept: 'woActionAccept',
  start: 'woActionStart',
  pause: 'woActionPause',
  resume: 'woActionResume',
  resolve: 'woActionResolve',
  verify: 'woActionVerify',
  close: 'woActionClose',
  transfer: 'woActionTransfer',
  return: 'woActionReturn',
  escalate: 'woActionEscalate',
  reopen: 'woActionReopen',
  cancel: 'woActionCancel',
};

/** Every event's word: the actions, the creation and a co-handler's part. */
export const eventKey: Record<string, MessageKey> = {
  ...actionKey,
  create: 'woEventCreate',
  part_accept: 'woEventPartAccept',
  part_done: 'woEventPartDone',
};
export const eventColor: Record<string, string> = {
  create: 'gray',
  resolve: 'green',
  verify: 'green',
  close: 'green',
  return: 'red',
  escalate: 'red',
  cancel: 'red',
  pause: 'orange',
  reopen: 'orange',
};

export const partKey: Record<PartStatus, MessageKey> = {
  pending: 'woPartPending',
  accepted: 'woPartAccepted',
  done: 'woPartDoneStatus',
};

/** What an action asks for besides its name. */
export interface ActionNeeds {
  organisation: boolean;
  /** 'required': a reason the history keeps; 'optional': a note may go with it; 'none': a click. */
  note: 'required' | 'optional' | 'none';
  outcome: boolean;
  coHandlers: boolean;
}
const click: ActionNeeds = { organisation: false, note: 'none', outcome: false, coHandlers: false };
const reason: ActionNeeds = { organisation: false, note: 'required', outcome: false, coHandlers: false };
export const actionNeeds: Record<OrderAction, ActionNeeds> = {
  dispatch: { organisation: true, note: 'optional', outcome: false, coHandlers: true },
  accept: click,
  start: click,
  pause: reason,
  resume: click,
  resolve: { organisation: false, note: 'optional', outcome: true, coHandlers: false },
  verify: { ...click, note: 'optional' },
  close: click,
  transfer: { organisation: true, note: 'required', outcome: false, coHandlers: false },
  return: reason,
  escalate: reason,
  reopen: reason,
  cancel: reason,
};
export const reasonKey: Partial<Record<OrderAction, MessageKey>> = {
  pause: 'woReasonPause',
  transfer: 'woReasonTransfer',
  return: 'woReasonReturn',
  escalate: 'woReasonEscalate',
  reopen: 'woReasonReopen',
  cancel: 'woReasonCancel',
};
/** The actions that move the work on (primary buttons), and those that turn it back (danger). */
export const forwardActions: OrderAction[] = [
  'dispatch',
  'accept',
  'start',
  'resume',
  'resolve',
  'verify',
  'close',
];
export const backActions: OrderAction[] = ['return', 'cancel'];

export const inboxKindKey: Record<string, MessageKey> = {
  dispatched: 'woMsgDispatched',
  dispatch: 'woMsgDispatched',
  transfer: 'woMsgTransfer',
  escalate: 'woMsgEscalate',
  co_handle: 'woMsgCoHandle',
  near_due: 'woMsgNearDue',
  overdue: 'woMsgOverdue',
  returned: 'woMsgReturned',
  resolved: 'woMsgResolved',
  reopened: 'woMsgReopened',
  comment: 'woMsgComment',
  part_done: 'woMsgPartDone',
  unrouted: 'woMsgUnrouted',
};
export const inboxKindColor: Record<string, string> = {
  overdue: 'red',
  near_due: 'orange',
  returned: 'magenta',
  escalate: 'red',
  resolved: 'purple',
  unrouted: 'gold',
};
