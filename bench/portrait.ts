/**
 * The portrait (derived variables and tags of every person and household) against a peer, in
 * the same run. A county is generated and imported through its feeds once (not timed). Then:
 *  - compute only, on inputs already in memory: ours (each person's and household's map wrapped
 *    for CEL once, `computePortrait`) against the straightforward use of the same evaluator
 *    (`@bufbuild/cel` plans called with plain objects, as its README shows), after checking both
 *    give identical values and tags for every subject;
 *  - a full refresh end to end (read the registry, compute, replace the stored portrait);
 *  - an incremental refresh after one new fact: how many households it recomputed, and how long.
 * Figures are medians over rounds. Run: npm run bench:portrait (BENCH_HOUSEHOLDS, BENCH_ROUNDS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testFieldCipher } from '../src/core/fieldCipher.ts';
import { todayInChina } from '../src/core/isoDate.ts';
import { createDatabase } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { readCountyDivisions } from '../src/areas/chinaDivision.ts';
import { importAreaRecords } from '../src/areas/importAreas.ts';
import { loadVariableCatalogue } from '../src/registry/variables/variableCatalogue.ts';
import { authorityOf, loadFeeds } from '../src/ingest/feeds/loadFeeds.ts';
import { eventVariablesOf } from '../src/registry/facts/resolveFacts.ts';
import { generateCountyFeeds } from '../src/generator/generateCountyFeeds.ts';
import { importFeedDirectory } from '../src/ingest/imports/importFeedDirectory.ts';
import { recordFacts } from '../src/registry/facts/factService.ts';
import { systemScope } from '../src/access/scope/dataScope.ts';
import { loadPortraitDefinitions } from '../src/portrait/portraitDefinitions.ts';
import {
  computePortrait,
  type HouseholdPortraitInput,
  type TagState,
} from '../src/portrait/computePortrait.ts';
import { fromCel, householdMap, personMap } from '../src/portrait/portraitBindings.ts';
import { hukouHouseholdPage, loadHouseholdInputs } from '../src/portrait/portraitRepository.ts';
import { refreshPortraits } from '../src/portrait/refreshPortraits.ts';

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const HOUSEHOLDS = envNumber('BENCH_HOUSEHOLDS', 20_000);
const ROUNDS = envNumber('BENCH_ROUNDS', 3);
const asOf = todayInChina();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
const definitions = loadPortraitDefinitions(variables);
const authority = authorityOf(feeds);

/** The peer: the same definitions and evaluator, bindings passed as plain objects on every call. */
function plainPortrait(input: HouseholdPortraitInput) {
  const maps = new Map<string, Record<string, unknown>>();
  const out = new Map<string, { values: Record<string, unknown>; tags: Record<string, TagState> }>();
  const state = (r: unknown): TagState => (r === true ? 'yes' : r === false ? 'no' : 'unknown');
  for (const member of input.members) {
    const p: Record<string, unknown> = Object.fromEntries(personMap(member, variables));
    const values: Record<string, unknown> = {};
    for (const d of definitions.person) {
      const r = d.evaluate({ p, as_of: asOf });
      const v = r instanceof Error ? undefined : fromCel(r);
      values[d.name] = v ?? null;
      if (v !== undefined) p[d.name] = r;
    }
    maps.set(member.id, p);
    out.set(member.id, { values, tags: {} });
  }
  const dead = (m: { deathDate: string | null }) => m.deathDate !== null && m.deathDate <= asOf;
  const h: Record<string, unknown> = {
    ...Object.fromEntries(householdMap(input.facts, variables)),
    assistance_types: input.assistanceTypes,
  };
  const bindings = {
    h,
    members: input.members.filter((m) => !dead(m)).map((m) => maps.get(m.id)),
    departed: input.members.filter(dead).map((m) => maps.get(m.id)),
    as_of: asOf,
  };
  const values: Record<string, unknown> = {};
  for (const d of definitions.household) {
    const r = d.evaluate(bindings);
    const v = r instanceof Error ? undefined : fromCel(r);
    values[d.name] = v ?? null;
    if (v !== undefined) h[d.name] = r;
  }
  const tags: Record<string, TagState> = {};
  for (const t of definitions.tags.filter((t) => t.entity === 'household'))
    tags[t.code] = state(t.evaluate(bindings));
  for (const member of input.members.filter((m) => !dead(m))) {
    const entry = out.get(member.id);
    if (!entry) continue;
    for (const t of definitions.tags.filter((t) => t.entity === 'person')) {
      entry.tags[t.code] = state(t.evaluate({ p: maps.get(member.id), h, as_of: asOf }));
    }
  }
  return { household: { values, tags }, persons: out };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-bench-portrait-'));
  try {
    console.log(`生成并导入 ${HOUSEHOLDS.toLocaleString()} 户（不计时）…`);
    // Snapshot detail: the portrait reads current values and 12-month sums, which snapshot keeps exact.
    await generateCountyFeeds({
      detail: 'snapshot',
      countyCode: '371082',
      households: HOUSEHOLDS,
      seed: 1,
      outDir: dir,
      referenceDate: asOf,
    });
    const handle = createDatabase({ url: undefined, sqliteFile: path.join(dir, 'bench.db') });
    const { db } = handle;
    await migrateToLatest(db);
    await importAreaRecords(db, readCountyDivisions('371082'), '2023-12-31');
    await importFeedDirectory({ db, cipher: testFieldCipher(), variables, feeds }, path.join(dir, 'feeds'), {
      startedBy: 'bench',
    });

    // Everything in memory, read once (timed on its own).
    let started = performance.now();
    const inputs: HouseholdPortraitInput[] = [];
    for (let after = ''; ;) {
      const ids = await hukouHouseholdPage(db, after, 500);
      if (ids.length === 0) break;
      inputs.push(
        ...(
          await loadHouseholdInputs(db, ids, asOf, { authority, isEvent: eventVariablesOf(variables) })
        ).values(),
      );
      after = ids[ids.length - 1] ?? after;
    }
    const loadMs = performance.now() - started;
    const persons = inputs.reduce((n, i) => n + i.members.length, 0);

    // Same answers before any timing.
    for (const input of inputs) {
      const ours = computePortrait(definitions, variables, input, null, asOf);
      const peer = plainPortrait(input);
      const same =
        JSON.stringify(ours.household) === JSON.stringify(peer.household) &&
        [...ours.persons].every(([id, p]) => JSON.stringify(p) === JSON.stringify(peer.persons.get(id)));
      if (!same) throw new Error('ours and the peer disagree: the comparison would be meaningless');
    }

    const oursMs: number[] = [];
    const peerMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      started = performance.now();
      for (const input of inputs) computePortrait(definitions, variables, input, null, asOf);
      oursMs.push(performance.now() - started);
      started = performance.now();
      for (const input of inputs) plainPortrait(input);
      peerMs.push(performance.now() - started);
    }

    const fullMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      started = performance.now();
      await refreshPortraits({ db, definitions, catalogue: variables, authority }, { asOf, full: true });
      fullMs.push(performance.now() - started);
    }

    const someone = await db.selectFrom('persons').select('id').orderBy('id').executeTakeFirstOrThrow();
    await recordFacts(db, variables, systemScope, [
      {
        subjectType: 'person',
        subjectId: someone.id,
        variable: 'serious_illness',
        value: true,
        source: 'health',
        observedAt: asOf,
        validFrom: asOf,
      },
    ]);
    started = performance.now();
    const incremental = await refreshPortraits(
      { db, definitions, catalogue: variables, authority },
      { asOf },
    );
    const incrementalMs = performance.now() - started;
    await handle.close();

    const evaluations =
      persons * (definitions.person.length + definitions.tags.filter((t) => t.entity === 'person').length) +
      inputs.length *
        (definitions.household.length + definitions.tags.filter((t) => t.entity === 'household').length);
    const ours = median(oursMs);
    const peer = median(peerMs);
    console.log(
      `\n画像 portrait · ${inputs.length.toLocaleString()} 户 / ${persons.toLocaleString()} 人 · ${String(definitions.tags.length)} 个标签 · ${ROUNDS} 轮中位数`,
    );
    console.log(`读取输入 load inputs           ${(loadMs / 1000).toFixed(2)} s`);
    console.log(
      `计算 compute, ours            ${(ours / 1000).toFixed(2)} s  (${((ours * 1000) / evaluations).toFixed(2)} µs/evaluation, ${Math.round((inputs.length / ours) * 1000).toLocaleString()} households/s)`,
    );
    console.log(
      `计算 compute, peer (plain objects) ${(peer / 1000).toFixed(2)} s  → ours ${(peer / ours).toFixed(1)}× faster`,
    );
    console.log(`全量刷新 full refresh (read, compute, write) ${(median(fullMs) / 1000).toFixed(2)} s`);
    console.log(
      `增量刷新 one new fact → ${String(incremental.households)} household(s), ${String(incremental.persons)} person(s), ${incrementalMs.toFixed(0)} ms`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
