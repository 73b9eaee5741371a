import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { thisWorker, workerMayBeAlive } from './workerAlive.ts';

describe('workerMayBeAlive', () => {
  const now = Date.parse('2026-12-01T12:00:00.000Z');

  it('knows this process is alive and a finished one on this host is not', () => {
    expect(workerMayBeAlive(thisWorker(), '2000-01-01T00:00:00.000Z', 1, now)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.pid).toBeGreaterThan(0);
    expect(
      workerMayBeAlive(`${os.hostname()}:${String(child.pid)}`, '2026-12-01T12:00:00.000Z', 60_000, now),
    ).toBe(false);
  });

  it("takes another host's process as alive until its lease runs out", () => {
    expect(workerMayBeAlive('elsewhere:1', '2026-12-01T11:59:00.000Z', 60_000, now)).toBe(true);
    expect(workerMayBeAlive('elsewhere:1', '2026-12-01T11:58:59.999Z', 60_000, now)).toBe(false);
  });
});
