import os from 'node:os';

/** This process as `host:pid`: how imports and bulk loads record who is doing them. */
export function thisWorker(): string {
  return `${os.hostname()}:${String(process.pid)}`;
}

/**
 * Whether the process recorded as `host:pid` may still be at work. On this host the operating
 * system knows; another host's process is taken as alive until it has gone `leaseMs` without
 * moving on (`touchedAt`), since nothing here can ask that host.
 */
export function workerMayBeAlive(
  worker: string,
  touchedAt: string,
  leaseMs: number,
  now = Date.now(),
): boolean {
  const [host, pid] = worker.split(':');
  if (host !== os.hostname()) return now - Date.parse(touchedAt) <= leaseMs;
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}
