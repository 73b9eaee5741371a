import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { createDatabase } from '../db/createDatabase.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { startScreening, type ScreeningRequest } from './screeningRun.ts';

const asOf = '2026-11-01';

describeEachDatabase('screening threads', (getDb) => {
  let dir: string;
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), { households: 160, seed: 11, referenceDate: asOf });
  }, 120_000);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (options: Partial<ScreeningRequest>) => {
    const { done } = await startScreening(testContext(getDb()), {
      trigger: 'manual',
      startedBy: 'test',
      asOf,
      chunkSize: 20,
      ...options,
    });
    return done;
  };
  /** Every finding by its identity, as a run leaves it, with its explanation and the run that made it. */
  const findings = async () =>
    (
      await getDb()
        .db.selectFrom('findings')
        .innerJoin('finding_explanations', 'finding_explanations.finding_id', 'findings.id')
        .select([
          'findings.household_id',
          'findings.policy_id',
          'findings.subject',
          'findings.kind',
          'findings.status',
          'findings.amount',
          'findings.amount_period',
          'findings.area_code',
          'findings.last_run_id',
          'finding_explanations.explanation_json',
          'finding_explanations.run_id as explained_by',
        ])
        .execute()
    ).sort((a, b) =>
      `${a.household_id}|${a.policy_id}|${a.subject}`.localeCompare(
        `${b.household_id}|${b.policy_id}|${b.subject}`,
      ),
    );

  it('finds in two threads, chunk by chunk, exactly what the run finds in its own thread', async () => {
    const { db } = getDb();
    const households = await db.selectFrom('hukou_households').select('id').execute();
    const threaded = await run({ threads: 2 });
    expect(threaded).toMatchObject({ status: 'completed', error: null, households_done: households.length });
    expect(threaded.findings_new).toBeGreaterThan(100);
    const found = await findings();
    expect(found).toHaveLength(threaded.findings_new);
    expect(
      found.every((f) => f.explanation_json.startsWith('{"result":') && f.explained_by === threaded.id),
    ).toBe(true);

    // Seen again unchanged: not written (the first run's, explanation and all); each
    // household's screening row is the new run's.
    const again = await run({ threads: 2 });
    expect(again).toMatchObject({
      findings_new: 0,
      findings_changed: 0,
      findings_superseded: 0,
      findings_current: threaded.findings_current,
    });
    const seen = await findings();
    expect(seen.every((f) => f.last_run_id === threaded.id && f.explained_by === threaded.id)).toBe(true);
    const screenings = await db.selectFrom('household_screenings').select('run_id').execute();
    expect(screenings).toHaveLength(households.length);
    expect(screenings.every((r) => r.run_id === again.id)).toBe(true);

    // The run's own thread, from nothing, finds the same, explained byte for byte the same.
    await db.deleteFrom('finding_events').execute();
    await db.deleteFrom('finding_explanations').execute();
    await db.deleteFrom('findings').execute();
    await db.deleteFrom('household_screenings').execute();
    const alone = await run({ threads: 0 });
    expect(alone).toMatchObject({
      status: 'completed',
      households_done: households.length,
      results: threaded.results,
      findings_new: threaded.findings_new,
    });
    const strip = (rows: typeof found) =>
      rows.map(({ last_run_id: _run, explained_by: _by, ...rest }) => rest);
    expect(strip(await findings())).toEqual(strip(found));
  }, 120_000);

  it('fails a run that asks for threads on a database no other thread can open', async () => {
    const memory = createDatabase({});
    try {
      await migrateToLatest(memory.db);
      const { done } = await startScreening(
        { ...testContext(getDb()), db: memory.db },
        { trigger: 'manual', startedBy: 'test', asOf, threads: 2 },
      );
      expect(await done).toMatchObject({ status: 'failed', error: '内存数据库不能由筛查线程打开' });
    } finally {
      await memory.close();
    }
  });
});
