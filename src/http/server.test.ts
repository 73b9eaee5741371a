import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from './testing/buildTestApp.ts';
import { startServer, type StartedServer } from './server.ts';
import { latestRun } from '../discovery/discoveryRepository.ts';

describeEachDatabase('the listening server', (getDb) => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer(testContext(getDb()), { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.app.close();
  });

  it('listens, answers, and starts its background jobs (the daily screening runs when due)', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    // No scheduled run yet on a new database: the first check starts one at once.
    await expect
      .poll(async () => (await latestRun(getDb().db, 'scheduled'))?.status, { timeout: 20_000 })
      .toBe('completed');
  });
});
