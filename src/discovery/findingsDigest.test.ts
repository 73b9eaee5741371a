import { describe, expect, it } from 'vitest';
import { findingsDigest } from './findingsDigest.ts';
import type { DecidedFinding } from './decideFindings.ts';

const gap = (policyId: string, amount: number | null = null, subject = 'household'): DecidedFinding => ({
  policyId,
  subject,
  kind: 'gap',
  amount,
  amountPeriod: amount === null ? null : 'month',
});

describe('findings digest', () => {
  const area = '371082001001';
  const base = findingsDigest(area, [gap('dibao', 860), gap('tekun')]);

  it('is the same for the same findings in any order', () => {
    expect(findingsDigest(area, [gap('tekun'), gap('dibao', 860)])).toBe(base);
  });

  it('changes with anything a run compares: area, amount, kind, subject, a finding more or less, an assessment', () => {
    const others = [
      findingsDigest('371082001002', [gap('dibao', 860), gap('tekun')]),
      findingsDigest(area, [gap('dibao', 900), gap('tekun')]),
      findingsDigest(area, [{ ...gap('dibao', 860), kind: 'review' }, gap('tekun')]),
      findingsDigest(area, [gap('dibao', 860), gap('tekun', null, 'p1')]),
      findingsDigest(area, [gap('dibao', 860)]),
      findingsDigest(area, [gap('dibao', 860), gap('tekun'), gap('education_aid')]),
      findingsDigest(area, [{ ...gap('dibao', 860), amountPeriod: 'once' }, gap('tekun')]),
      findingsDigest(area, []),
      findingsDigest(area, [gap('dibao', 860), gap('tekun')], 'default@1×3:[1,null]\n'),
      findingsDigest(area, [gap('dibao', 860), gap('tekun')], 'default@2×3:[1,null]\n'),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });
});
