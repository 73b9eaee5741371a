import type { Random } from './random.ts';

/**
 * A weighted choice prepared once and drawn from many times: cumulative weights and a binary
 * search, so a hundred-surname table costs seven comparisons per draw instead of a hundred.
 */
export class WeightedTable<T> {
  private readonly items: T[] = [];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    const positive = entries.filter(([, weight]) => {
      if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`invalid weight ${weight}`);
      return weight > 0;
    });
    if (positive.length === 0) throw new RangeError('a weighted table needs a positive weight');
    this.cumulative = new Float64Array(positive.length);
    let total = 0;
    positive.forEach(([item, weight], i) => {
      total += weight;
      this.cumulative[i] = total;
      this.items.push(item);
    });
    this.total = total;
  }

  draw(rng: Random): T {
    const target = rng.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return this.items[low] as T; // low is a valid index: the table is never empty
  }
}
