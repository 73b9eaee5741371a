import { AppError } from '../core/appError.ts';
import type { FindingResolution, FindingStatus } from '../db/schema.ts';

/** What staff do to a finding (screening runs move it too: found, superseded, reappeared). */
export type FindingAction = 'assign' | 'resolve' | 'reopen';

const statusWords: Record<FindingStatus, string> = {
  new: '新发现',
  assigned: '已认领',
  resolved: '已办结',
  superseded: '已失效',
};
const actionWords: Record<FindingAction, string> = { assign: '认领', resolve: '办结', reopen: '重新打开' };

/** The lifecycle: new → assigned → resolved (enrolled / not eligible / declined); superseded by a run; reopened. */
const allowed: Record<FindingAction, readonly FindingStatus[]> = {
  assign: ['new', 'assigned'],
  resolve: ['new', 'assigned'],
  reopen: ['resolved', 'superseded'],
};

export const resolutions: readonly FindingResolution[] = ['enrolled', 'not_eligible', 'declined', 'referred'];

/** The status after an action, or an AppError naming the status and the action refused. */
export function nextStatus(
  status: FindingStatus,
  action: FindingAction,
  resolution: FindingResolution | null,
): FindingStatus {
  if (!allowed[action].includes(status))
    throw new AppError('FINDING_TRANSITION_INVALID', {
      status: statusWords[status],
      action: actionWords[action],
    });
  if (action === 'resolve') {
    if (!resolution) throw new AppError('FINDING_RESOLUTION_REQUIRED');
    return 'resolved';
  }
  return action === 'assign' ? 'assigned' : 'new';
}

export const isOpen = (status: FindingStatus): boolean => status === 'new' || status === 'assigned';
