import type { DraftVillage } from './draft.ts';
import type { Random } from './random.ts';

/**
 * Typical size of a village in households and the range it stays in: a Rongcheng village
 * committee has 50–400 households, an urban residents' committee several hundred.
 */
const villageSize: Record<DraftVillage['kind'], { median: number; min: number; max: number }> = {
  residents_committee: { median: 320, min: 100, max: 600 },
  village_committee: { median: 170, min: 50, max: 450 },
  other: { median: 120, min: 50, max: 300 },
};

/**
 * How many households each village gets: every village draws a realistic size (log-normal
 * around its kind's median, clipped to the range), then the requested total is shared out in
 * proportion to those sizes by largest remainder, so the counts add up exactly. With fewer
 * households than the full county has, every village shrinks in the same proportion.
 */
export function allocateHouseholds(rng: Random, villages: readonly DraftVillage[], total: number): number[] {
  const sizes = villages.map((village) => {
    const { median, min, max } = villageSize[village.kind];
    return Math.min(max, Math.max(min, Math.exp(rng.normal(Math.log(median), 0.45))));
  });
  const sizeSum = sizes.reduce((sum, size) => sum + size, 0);
  const quotas = sizes.map((size) => (total * size) / sizeSum);
  const counts = quotas.map(Math.floor);
  let remaining = total - counts.reduce((sum, count) => sum + count, 0);
  // Largest fractional parts first; ties by position, so the result is fully deterministic.
  const order = quotas
    .map((quota, index) => ({ index, fraction: quota - Math.floor(quota) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (remaining <= 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
    remaining--;
  }
  return counts;
}
