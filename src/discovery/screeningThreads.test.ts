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
  /** Every finding as a run leaves it, but for the stamp of the run that last saw it. */
  const findings = () =>
    getDb()
      .db.selectFrom('findings')
      .select([
        'id',
        'household_id',
        'policy_id',
        'subject',
        'kind',
        'status',
        'amount',
        'amount_period',
        'area_code',
        'explanation_json',
        'explanation_hash',
        'first_run_id',
      ])
      .orderBy('id')
      .execute();

  it('finds in two threads, chunk by chunk, exactly what the run finds in its own thread', async () => {
    const households = await getDb().db.selectFrom('hukou_households').select('id').execute();
    const threaded = await run({ threads: 2 });
    expect(threaded).toMatchObject({ status: 'completed', error: null, households_done: households.length });
    expect(threaded.findings_new).toBeGreaterThan(100);
    const before = await findings();
    expect(before).toHaveLength(threaded.findings_new);
    expect(before.every((f) => f.explanation_hash !== null)).toBe(true);

    const alone = await run({ threads: 0 });
    expect(alone).toMatchObject({
      status: 'completed',
      households_done: households.length,
      results: threaded.results,
      findings_new: 0,
      findings_changed: 0,
      findings_superseded: 0,
      findings_current: threaded.findings_current,
    });
    // Not one finding rewritten: the same explanations, byte for byte.
    expect(await findings()).toEqual(before);
    const stamped = await getDb().db.selectFrom('findings').select('last_run_id').distinct().execute();
    expect(stamped).toEqual([{ last_run_id: alone.id }]);
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
