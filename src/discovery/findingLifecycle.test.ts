import { describe, expect, it } from 'vitest';
import { AppError } from '../core/appError.ts';
import type { FindingStatus } from '../db/schema.ts';
import { nextStatus, type FindingAction } from './findingLifecycle.ts';

describe('finding lifecycle', () => {
  it('allows claim and resolve while open, reopen once closed, and names what it refuses', () => {
    expect(nextStatus('new', 'assign', null)).toBe('assigned');
    expect(nextStatus('assigned', 'resolve', 'enrolled')).toBe('resolved');
    expect(nextStatus('resolved', 'reopen', null)).toBe('new');
    expect(nextStatus('superseded', 'reopen', null)).toBe('new');
    const refusal = (
      status: FindingStatus,
      action: FindingAction,
      resolution: 'declined' | null = 'declined',
    ) => {
      try {
        nextStatus(status, action, resolution);
        return null;
      } catch (error) {
        return error instanceof AppError ? error.code : 'other';
      }
    };
    expect(refusal('resolved', 'resolve')).toBe('FINDING_TRANSITION_INVALID');
    expect(refusal('superseded', 'assign')).toBe('FINDING_TRANSITION_INVALID');
    expect(refusal('new', 'reopen')).toBe('FINDING_TRANSITION_INVALID');
    expect(refusal('new', 'resolve', null)).toBe('FINDING_RESOLUTION_REQUIRED');
  });
});
