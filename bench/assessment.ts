/**
 * The hardship assessment (Alkire–Foster counting) against its bar, a practical limit and a peer,
 * in one run (issue 7: 1,000,000 households × 20 indicators in ≤ 5 s). Set-up, not timed: a
 * deterministic pseudo-random population (mulberry32, BENCH_SEED) of households × indicators,
 * mixed like a real model — every other indicator cardinal (deprived strictly below its cutoff;
 * each indicator's share deprived spread from 5 % to 40 %; 1 % of its values missing, NaN), the
 * others flags (1 deprived, 0 not; 5 % to 30 % deprived); a household's values share one draw
 * now and then, so deprivations go together as they do; 1–6 persons a household, one of 22
 * townships. Seven dimensions of equal weight, split equally among their indicators (exact
 * fractions), k = 1/3, bands vulnerable 1/5, poor 1/3, severe 1/2. Then, each the median of
 * BENCH_ROUNDS rounds after one warm-up round (whose results are the ones checked):
 *   1. ours: `assessUnits` + `povertyMeasures` + `decompose` by township over every household,
 *      against the 5 s bar (projected to 1,000,000 households when BENCH_HOUSEHOLDS differs);
 *   2. the practical limit: one tight pass over the same matrix doing only the unavoidable work
 *      (each value against its cutoff, integer weights into a score, the poor counted, with their
 *      persons and scores for H and M0) — no per-indicator output; its H and M0 must equal ours;
 *   3. the peer: what one would write first — an object per household, weights and scores in
 *      doubles, poor at `score >= 1/3 - 1e-9`, aggregates with map/filter/reduce — its objects
 *      built before timing, its H and M0 (whole and by township) checked within 1e-9 of ours
 *      (households its doubles misjudge on a line are counted and reported instead).
 * Run: npm run bench:assessment (BENCH_HOUSEHOLDS, default 1,000,000; BENCH_INDICATORS, default
 * 20; BENCH_ROUNDS, default 5; BENCH_SEED, default 1). Not in npm test.
 */
import { machineLine } from './benchCounty.ts';
import { assessUnits, type Achievements, type Assessment } from '../src/assessment/assessUnits.ts';
import { countingPlan, type CountingIndicator, type CountingSpec } from '../src/assessment/countingPlan.ts';
import { decompose, povertyMeasures } from '../src/assessment/povertyMeasures.ts';
import { add, compare, ONE, rational, ZERO } from '../src/assessment/rational.ts';

const envInteger = (name: string, fallback: number, min = 1): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}`);
  return value;
};
const HOUSEHOLDS = envInteger('BENCH_HOUSEHOLDS', 1_000_000);
const INDICATORS = envInteger('BENCH_INDICATORS', 20);
const ROUNDS = envInteger('BENCH_ROUNDS', 5);
const SEED = envInteger('BENCH_SEED', 1, 0);
const TOWNSHIPS = 22;
const DIMENSIONS = Math.min(7, INDICATORS);
const BAR_HOUSEHOLDS = 1_000_000;
const BAR_SECONDS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const range = (ms: number[]) => `${seconds(Math.min(...ms))}–${seconds(Math.max(...ms))} s`;

console.log(machineLine('Assessment benchmark'));

/** mulberry32: a small seeded generator, so every run assesses the same population. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- Set-up (not timed): the model ------------------------------------------------------------

const random = mulberry32(SEED);
/** Indicators per dimension: the first INDICATORS mod 7 dimensions get one more. */
const perDimension = Array.from(
  { length: DIMENSIONS },
  (_, d) => Math.floor(INDICATORS / DIMENSIONS) + (d < INDICATORS % DIMENSIONS ? 1 : 0),
);
const dimensionOf = perDimension.flatMap((n, d) => Array.from({ length: n }, () => d));
const cardinalCount = Math.ceil(INDICATORS / 2);
const flagCount = INDICATORS - cardinalCount;
/** Spread evenly over [lo, hi] across `count` indicators. */
const spread = (lo: number, hi: number, at: number, count: number) =>
  count > 1 ? lo + ((hi - lo) * at) / (count - 1) : (lo + hi) / 2;
const columns = dimensionOf.map((d, j) => {
  const cardinal = j % 2 === 0;
  const nth = Math.floor(j / 2);
  return {
    dimension: d,
    cardinal,
    /** The share deprived this indicator's values are drawn to give. */
    rate: cardinal ? spread(0.05, 0.4, nth, cardinalCount) : spread(0.05, 0.3, nth, flagCount),
    cutoff: cardinal ? Math.round(5 + 995 * random()) : null,
  };
});
const indicators: CountingIndicator[] = columns.map((c, j) => ({
  id: `${c.cardinal ? 'level' : 'flag'}_${String(j + 1)}`,
  direction: c.cardinal ? 'below' : 'flag',
  cutoff: c.cutoff,
  weight: rational(1n, BigInt(DIMENSIONS * (perDimension[c.dimension] ?? 1))),
}));
if (
  compare(
    indicators.reduce((sum, i) => add(sum, i.weight), ZERO),
    ONE,
  ) !== 0
)
  throw new Error('the weights do not add up to 1');
const spec: CountingSpec = {
  indicators,
  k: rational(1n, 3n),
  bands: [
    { id: 'vulnerable', min: rational(1n, 5n) },
    { id: 'poor', min: rational(1n, 3n) },
    { id: 'severe', min: rational(1n, 2n) },
  ],
};
const plan = countingPlan(spec);

// --- Set-up (not timed): the population -------------------------------------------------------

/** Household sizes 1–6, roughly as rural registers have them. */
const SIZE_SHARES = [0.25, 0.3, 0.2, 0.13, 0.07, 0.05];
const sizeOf = (u: number) => {
  let size = 1;
  for (let acc = SIZE_SHARES[0] ?? 1; u >= acc && size < SIZE_SHARES.length; size++)
    acc += SIZE_SHARES[size] ?? 0;
  return size;
};
/** How often one of a household's values takes its shared draw instead of its own. */
const SHARED = 0.3;
const MISSING = 0.01;

let started = performance.now();
const values = new Float64Array(HOUSEHOLDS * INDICATORS);
const populations = new Uint8Array(HOUSEHOLDS);
const townships = new Uint8Array(HOUSEHOLDS);
for (let i = 0, at = 0; i < HOUSEHOLDS; i++) {
  populations[i] = sizeOf(random());
  townships[i] = Math.floor(random() * TOWNSHIPS);
  const shared = random();
  for (const c of columns) {
    // Uniform either way, so each indicator's share deprived stays its rate.
    const u = random() < SHARED ? shared : random();
    if (c.cutoff === null) values[at++] = u < c.rate ? 1 : 0;
    else if (random() < MISSING) values[at++] = Number.NaN;
    // Deprived (strictly below the cutoff) exactly when u < rate, before rounding to cents.
    else values[at++] = Math.round(((c.cutoff * u) / c.rate) * 100) / 100;
  }
}
const achievements: Achievements = { units: HOUSEHOLDS, values, populations };
const persons = populations.reduce((sum, n) => sum + n, 0);
console.log(
  `Population: ${fmt(HOUSEHOLDS)} households (${fmt(persons)} persons, ${String(TOWNSHIPS)} townships) × ` +
    `${String(INDICATORS)} indicators (${String(cardinalCount)} cardinal, ${String(flagCount)} flags) in ` +
    `${String(DIMENSIONS)} dimensions; weights over L = ${String(plan.denominator)}, k = 1/3; ` +
    `generated in ${seconds(performance.now() - started)} s (not timed)`,
);

// --- 1. Ours ----------------------------------------------------------------------------------

function ours() {
  const assessment = assessUnits(plan, achievements);
  const measures = povertyMeasures(plan, achievements, assessment);
  const byTownship = decompose(plan, achievements, assessment, townships, TOWNSHIPS);
  return { assessment, measures, byTownship };
}

const reference = ours(); // the warm-up round
const oursMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  started = performance.now();
  ours();
  oursMs.push(performance.now() - started);
}
const { assessment, measures, byTownship } = reference;
const oursMedian = median(oursMs);
const millionSeconds = (oursMedian / 1000) * (BAR_HOUSEHOLDS / HOUSEHOLDS);
const bandCounts = plan.bandIds.map((_, b) => assessment.bands.reduce((n, x) => (x === b ? n + 1 : n), 0));
console.log(
  `Ours (assessUnits + povertyMeasures + decompose by ${String(TOWNSHIPS)} townships): ${seconds(oursMedian)} s, ` +
    `${fmt(HOUSEHOLDS / (oursMedian / 1000))} households/s (median of ${String(ROUNDS)}, ${range(oursMs)}); ` +
    `H ${pct(measures.H)}, A ${pct(measures.A)}, M0 ${measures.M0.toFixed(4)} (${measures.M0Exact ?? '?'})`,
);

// --- 2. The practical limit -------------------------------------------------------------------

/** One tight pass: each value against its cutoff, integer weights into a score, the poor counted. */
function limit(a: Achievements) {
  const { indicators: d, weights, cutoffs, directions, k } = plan;
  const x = a.values;
  const n = a.populations ?? [];
  let poorUnits = 0;
  let poor = 0;
  let scoreSum = 0;
  for (let i = 0, at = 0; i < a.units; i++) {
    let score = 0;
    for (let j = 0; j < d; j++, at++) {
      const v = x[at] ?? Number.NaN;
      const direction = directions[j];
      const z = cutoffs[j] ?? Number.NaN;
      if (direction === 0 ? v < z : direction === 1 ? v > z : v !== 0 && !Number.isNaN(v))
        score += weights[j] ?? 0;
    }
    if (score >= k) {
      const people = n[i] ?? 0;
      poorUnits++;
      poor += people;
      scoreSum += people * score;
    }
  }
  return { poorUnits, poor, scoreSum };
}

const limitReference = limit(achievements);
if (
  limitReference.poorUnits !== measures.poorUnits ||
  limitReference.poor / persons !== measures.H ||
  limitReference.scoreSum / (plan.denominator * persons) !== measures.M0
)
  throw new Error('the practical limit disagrees with ours: the comparison would be meaningless');
const limitMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  started = performance.now();
  limit(achievements);
  limitMs.push(performance.now() - started);
}
const limitMedian = median(limitMs);
console.log(
  `Practical limit (one tight pass: scores, poor, H and M0; no per-indicator output): ${seconds(limitMedian)} s, ` +
    `${fmt(HOUSEHOLDS / (limitMedian / 1000))} households/s (${range(limitMs)}); same H and M0 as ours`,
);

// --- 3. The peer ------------------------------------------------------------------------------

interface PeerHousehold {
  values: number[];
  population: number;
  group: number;
}
interface PeerIndicator {
  flag: boolean;
  cutoff: number;
  weight: number;
}
const peerIndicators: PeerIndicator[] = columns.map((c) => ({
  flag: c.cutoff === null,
  cutoff: c.cutoff ?? 0,
  weight: 1 / DIMENSIONS / (perDimension[c.dimension] ?? 1),
}));
const EPSILON = 1e-9;
const peerK = 1 / 3;
const peerBandLines = [1 / 5, 1 / 3, 1 / 2];

/** The straightforward first version: objects, doubles, an epsilon, map/filter/reduce. */
function peer(households: PeerHousehold[], groupCount: number) {
  const assessed = households.map((h) => {
    const deprived = peerIndicators.map((ind, j) => {
      const x = h.values[j] ?? Number.NaN;
      return ind.flag ? x === 1 : x < ind.cutoff;
    });
    const score = deprived.reduce((sum, d, j) => (d ? sum + (peerIndicators[j]?.weight ?? 0) : sum), 0);
    const band = peerBandLines.reduce((b, line, index) => (score >= line - EPSILON ? index : b), -1);
    return { household: h, deprived, score, poor: score >= peerK - EPSILON, band };
  });
  type Assessed = (typeof assessed)[number];
  const people = (units: Assessed[]) => units.reduce((sum, u) => sum + u.household.population, 0);
  const measuresOf = (units: Assessed[]) => {
    const N = people(units);
    const poorUnits = units.filter((u) => u.poor);
    const q = people(poorUnits);
    const M0 = N > 0 ? poorUnits.reduce((sum, u) => sum + u.household.population * u.score, 0) / N : 0;
    const share = (subset: Assessed[]) => (N > 0 ? people(subset) / N : 0);
    const censored = peerIndicators.map((_, j) => share(poorUnits.filter((u) => u.deprived[j])));
    return {
      population: N,
      poorUnits: poorUnits.length,
      poor: q,
      H: N > 0 ? q / N : 0,
      A: q > 0 ? (M0 * N) / q : 0,
      M0,
      uncensored: peerIndicators.map((_, j) => share(units.filter((u) => u.deprived[j]))),
      censored,
      contributions: censored.map((c, j) => (M0 > 0 ? ((peerIndicators[j]?.weight ?? 0) * c) / M0 : 0)),
      missing: peerIndicators.map((_, j) =>
        share(units.filter((u) => Number.isNaN(u.household.values[j] ?? Number.NaN))),
      ),
    };
  };
  const total = measuresOf(assessed);
  const groups = Array.from({ length: groupCount }, (_, g) => {
    const m = measuresOf(assessed.filter((u) => u.household.group === g));
    const populationShare = total.population > 0 ? m.population / total.population : 0;
    return {
      ...m,
      group: g,
      populationShare,
      contribution: total.M0 > 0 ? (populationShare * m.M0) / total.M0 : 0,
    };
  });
  return { assessed, total, groups };
}

started = performance.now();
const peerHouseholds: PeerHousehold[] = Array.from({ length: HOUSEHOLDS }, (_, i) => ({
  values: Array.from(values.subarray(i * INDICATORS, (i + 1) * INDICATORS)),
  population: populations[i] ?? 0,
  group: townships[i] ?? 0,
}));
const peerBuildMs = performance.now() - started;

/**
 * The peer's answers against ours: each household's poverty and band (a disagreement must be the
 * epsilon misjudging a score on a line, else the peer is wrong), then H and M0 within 1e-9.
 */
function checkPeer(result: ReturnType<typeof peer>, ourAssessment: Assessment) {
  let misjudged = 0;
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const p = result.assessed[i];
    if (!p) throw new Error(`the peer lost household ${String(i)}`);
    if (p.poor === (ourAssessment.poor[i] === 1) && p.band === ourAssessment.bands[i]) continue;
    const exact = (ourAssessment.scores[i] ?? 0) / plan.denominator;
    if (Math.abs(p.score - exact) > EPSILON)
      throw new Error(`household ${String(i)}: the peer scores ${String(p.score)}, ours ${String(exact)}`);
    misjudged++;
  }
  const pairs: [string, number, number][] = [
    ['H', result.total.H, measures.H],
    ['M0', result.total.M0, measures.M0],
    ...byTownship.groups.flatMap((g): [string, number, number][] => [
      [`H of township ${String(g.group)}`, result.groups[g.group]?.H ?? Number.NaN, g.H],
      [`M0 of township ${String(g.group)}`, result.groups[g.group]?.M0 ?? Number.NaN, g.M0],
    ]),
  ];
  const worst = Math.max(...pairs.map(([, a, b]) => Math.abs(a - b)));
  const off = pairs.find(([, a, b]) => !(Math.abs(a - b) <= EPSILON));
  if (misjudged === 0 && off)
    throw new Error(`the peer's ${off[0]} is ${String(off[1])}, ours ${String(off[2])}: no timing`);
  return {
    misjudged,
    worst,
    offH: Math.abs(result.total.H - measures.H),
    offM0: Math.abs(result.total.M0 - measures.M0),
  };
}

// The warm-up round, checked; its result is not kept, so the timed rounds do not carry it.
const { misjudged, worst, offH, offM0 } = checkPeer(peer(peerHouseholds, TOWNSHIPS), assessment);
const peerMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  started = performance.now();
  peer(peerHouseholds, TOWNSHIPS);
  peerMs.push(performance.now() - started);
}
const peerMedian = median(peerMs);
const peerCheck =
  misjudged === 0
    ? `H and M0 (whole and by township) within ${worst.toExponential(1)} of ours; no household misjudged`
    : `its doubles misjudge ${fmt(misjudged)} households on a line (H off by ${offH.toExponential(1)}, M0 by ${offM0.toExponential(1)})`;
console.log(
  `Peer (objects, doubles, score >= 1/3 - 1e-9, map/filter/reduce; objects built in ${seconds(peerBuildMs)} s, not timed): ` +
    `${seconds(peerMedian)} s, ${fmt(HOUSEHOLDS / (peerMedian / 1000))} households/s (${range(peerMs)}); ${peerCheck}`,
);

// --- Summary ----------------------------------------------------------------------------------

const deprivedShares = (cardinal: boolean) => {
  const shares = measures.uncensored.filter((_, j) => columns[j]?.cardinal === cardinal);
  return shares.length > 0 ? `${pct(Math.min(...shares))}–${pct(Math.max(...shares))}` : '—';
};
const missingShare =
  measures.missing.reduce((sum, m, j) => (columns[j]?.cardinal ? sum + m : sum), 0) /
  Math.max(1, cardinalCount);
const projected = HOUSEHOLDS === BAR_HOUSEHOLDS ? '' : ` (projected from ${fmt(HOUSEHOLDS)})`;
console.log('');
console.log(
  `Assessment of ${fmt(HOUSEHOLDS)} households × ${String(INDICATORS)} indicators, median of ${String(ROUNDS)} round${ROUNDS > 1 ? 's' : ''} after one warm-up (seed ${String(SEED)})`,
);
console.log(
  `  population      ${fmt(persons)} persons; deprived: cardinal ${deprivedShares(true)}, flags ${deprivedShares(false)}; ` +
    `missing ${pct(missingShare)} of cardinal values`,
);
console.log(
  `  result          H ${pct(measures.H)}, A ${pct(measures.A)}, M0 ${measures.M0.toFixed(4)}; ` +
    `${fmt(measures.poorUnits)} poor households; bands ${plan.bandIds.map((id, b) => `${id} ${fmt(bandCounts[b] ?? 0)}`).join(', ')}; ` +
    `k = 1/3, exactly ${String(plan.k)}/${String(plan.denominator)} in integers`,
);
console.log(
  `  ours            ${seconds(oursMedian).padStart(8)} s  ${fmt(HOUSEHOLDS / (oursMedian / 1000)).padStart(11)} households/s`,
);
console.log(
  `  limit           ${seconds(limitMedian).padStart(8)} s  ${fmt(HOUSEHOLDS / (limitMedian / 1000)).padStart(11)} households/s  → ours ${(oursMedian / limitMedian).toFixed(1)}× the limit`,
);
console.log(
  `  peer            ${seconds(peerMedian).padStart(8)} s  ${fmt(HOUSEHOLDS / (peerMedian / 1000)).padStart(11)} households/s  → ours ${(peerMedian / oursMedian).toFixed(1)}× faster`,
);
console.log(
  `  bar             1,000,000 households × ${String(INDICATORS)} indicators in ${millionSeconds.toFixed(2)} s${projected} ` +
    `against ${String(BAR_SECONDS)} s${INDICATORS === 20 ? '' : ' (the bar is for 20 indicators)'}: ` +
    (millionSeconds <= BAR_SECONDS ? `met, ${(BAR_SECONDS / millionSeconds).toFixed(1)}× under` : 'MISSED'),
);
