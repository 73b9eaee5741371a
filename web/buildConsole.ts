import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const webDir = import.meta.dirname;
const distIndex = path.join(webDir, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether `web/dist` is missing or older than any console source file. */
export function consoleBuildIsStale(): boolean {
  if (!fs.existsSync(distIndex)) return true;
  const built = fs.statSync(distIndex).mtimeMs;
  const sources = Math.max(
    newestSource(path.join(webDir, 'src')),
    fs.statSync(path.join(webDir, 'index.html')).mtimeMs,
    fs.statSync(path.join(webDir, 'vite.config.ts')).mtimeMs,
  );
  return sources > built;
}

/**
 * Builds the console with Vite when its bundle is missing or stale, so `npm start` and the
 * browser tests always serve what the sources say (a few seconds; nothing is downloaded).
 */
export async function ensureConsoleBuilt(options: { force?: boolean; quiet?: boolean } = {}): Promise<void> {
  if (!options.force && !consoleBuildIsStale()) return;
  // Vite takes React's and antd's build flavour from NODE_ENV, which the test runner sets to
  // 'test': the console must be the production bundle wherever it is built from.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(webDir, 'vite.config.ts'),
      mode: 'production',
      logLevel: options.quiet ? 'warn' : 'info',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

// `tsx web/buildConsole.ts [--force]`: the build:web script.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await ensureConsoleBuilt({ force: process.argv.includes('--force') });
}
