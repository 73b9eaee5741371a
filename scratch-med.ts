import fs from 'node:fs';
import path from 'node:path';
import { generateCountyFeeds } from './src/generator/generateCountyFeeds.ts';
const dir = '/tmp/scratch-med';
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir);
await generateCountyFeeds({
  countyCode: '371082',
  households: 1000,
  seed: 3,
  outDir: dir,
  referenceDate: '2026-11-01',
});
console.log(fs.readdirSync(path.join(dir, 'feeds')));
