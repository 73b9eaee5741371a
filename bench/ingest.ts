/**
 * End-to-end ingest throughput against a practical limit, in the same run, on SQLite and on
 * PostgreSQL. A county is generated once (its fourteen department files, with their defects);
 * each round imports the whole folder with `importFeedDirectory` (read → interpret/validate →
 * resolve → store) into a fresh migrated database holding the area tree, then inserts as many
 * plain rows (the facts the import stored) into a copy of the facts table without indexes, with
 * multi-row INSERTs, one transaction per batch of the import's size: the limit. Figures are
 * medians over rounds. Generation, migration and the area tree are not timed.
 * Run: npm run bench:ingest (BENCH_HOUSEHOLDS, BENCH_ROUNDS, BENCH_DATABASES, BENCH_BATCH, …)
 */
import { DEFAULT_IMPORT_BATCH } from '../src/ingest/imports/runImport.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { testFieldCipher } from '../src/core/fieldCipher.ts';
import { todayInChina } from '../src/core/isoDate.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { ImportTable } from '../src/db/schema.ts';
import { readCountyDivisions } from '../src/areas/chinaDivision.ts';
import { importAreaRecords } from '../src/areas/importAreas.ts';
import { loadVariableCatalogue } from '../src/registry/variables/variableCatalogue.ts';
import { loadFeeds } from '../src/ingest/feeds/loadFeeds.ts';
import { generateCountyFeeds } from '../src/generator/generateCountyFeeds.ts';
import { importFeedDirectory } from '../src/ingest/imports/importFeedDirectory.ts';
import {
  postgresLimit,
  sqliteLimit,
  sqliteWriteSetLimit,
  type LimitResult,
  type WriteSetResult,
} from './ingestLimit.ts';

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const HOUSEHOLDS = envNumber('BENCH_HOUSEHOLDS', 20_000);
const ROUNDS = envNumber('BENCH_ROUNDS', HOUSEHOLDS > 20_000 ? 1 : 3);
/** Rows per import transaction, passed to the import and used by the limit alike: the importer's own default unless BENCH_BATCH says otherwise. */
const BATCH = envNumber('BENCH_BATCH', DEFAULT_IMPORT_BATCH);
/** Rows per INSERT statement in the limit (as the importer's own multi-row INSERTs). */
const CHUNK = envNumber('BENCH_CHUNK', 400);
const COUNTY = process.env.BENCH_COUNTY ?? '371082';
const SEED = envNumber('BENCH_SEED', 1);
const REFERENCE_DATE = process.env.BENCH_REFERENCE_DATE ?? todayInChina();
// BENCH_DATABASES=sqlite or =postgres runs one of them; both by default.
// (BENCH_ONLY is the same: BENCH_ONLY=sqlite for the full-scale run.)
const databases = (process.env.BENCH_ONLY ?? process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
/**
 * BENCH_WRITER=on or =off forces SQLite's background writer (ADR 0015) one way; unset, the
 * importer decides as it does for anyone (on for a folder of 8 MiB or more, ADR 0026).
 */
const WRITER =
  process.env.BENCH_WRITER === 'on' ? true : process.env.BENCH_WRITER === 'off' ? false : undefined;
/**
 * BENCH_DEFER=on or =off forces the deferral of indexes (ADR 0030) one way; unset, the importer
 * decides as it does for anyone (a large folder into a registry holding fewer facts than it brings).
 */
const DEFER = process.env.BENCH_DEFER === 'on' ? true : process.env.BENCH_DEFER === 'off' ? false : undefined;
/**
 * BENCH_INTERPRET_THREAD=on reads and interprets each large file on a thread of its own (ADR
 * 0038), which the importer leaves off: to measure it on a machine with more cores.
 */
const INTERPRET_THREAD = process.env.BENCH_INTERPRET_THREAD === 'on';
/** Seconds between lines of the rate over time (the cumulative records and records/s). */
const TICK = envNumber('BENCH_TICK', 30);
const PG_URL = process.env.ZHULIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Xuhui's scale, for a projection at the measured rate. */
const XUHUI_RECORDS = 23_000_000;

// Peak resident memory, sampled every 100 ms (a synchronous stretch delays a sample; the OS
// figure `maxRSS` at the end catches what the samples miss), overall and per phase.
let peakRss = process.memoryUsage().rss;
let phasePeak = peakRss;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) peakRss = rss;
  if (rss > phasePeak) phasePeak = rss;
}, 100);
const startPhase = () => (phasePeak = process.memoryUsage().rss);
const endPhase = () => Math.max(phasePeak, process.memoryUsage().rss);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sum = (imports: ImportTable[], pick: (i: ImportTable) => number) =>
  imports.reduce((n, i) => n + pick(i), 0);

const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
const cipher = testFieldCipher();

const startedAt = new Date();
console.log(
  `Ingest benchmark, ${startedAt.toISOString()}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ` +
    `${mib(os.totalmem())}, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);

// 1. The county, once.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-bench-ingest-'));
const feedDir = path.join(dir, 'feeds');
// Removed however the run ends (an error in a round included).
process.on('exit', () => {
  fs.rmSync(dir, { recursive: true, force: true });
});
startPhase();
const generationStarted = performance.now();
const generated = await generateCountyFeeds({
  countyCode: COUNTY,
  households: HOUSEHOLDS,
  seed: SEED,
  outDir: dir,
  referenceDate: REFERENCE_DATE,
});
const generationSeconds = (performance.now() - generationStarted) / 1000;
const generationRss = endPhase();
const fileRecords = generated.feeds.reduce((n, f) => n + f.rows, 0);
console.log(
  `Generated ${generated.countyName} (${COUNTY}), seed ${SEED}, reference date ${REFERENCE_DATE}: ` +
    `${fmt(generated.households)} households, ${fmt(generated.persons)} persons, ` +
    `${fmt(fileRecords)} records in ${generated.feeds.length} files (${fmt(generated.defects)} planted defects) ` +
    `in ${generationSeconds.toFixed(1)} s, peak RSS ${mib(generationRss)}`,
);
console.log('feed                               | format | records | defects |    MiB');
for (const f of generated.feeds) {
  const bytes = fs.statSync(path.join(dir, f.file)).size;
  console.log(
    `${f.id.padEnd(34)} | ${f.format.padEnd(6)} | ${fmt(f.rows).padStart(7)} | ${fmt(f.defects).padStart(7)} | ${(bytes / 2 ** 20).toFixed(1).padStart(6)}`,
  );
}

interface Round {
  seconds: number;
  imports: ImportTable[];
  /** Seconds per feed: from the import's start to its finish (as recorded by the import). */
  feedSeconds: Map<string, number>;
  facts: number;
  persons: number;
  limit: LimitResult;
  /** The same into a copy with the primary key and indexes of `facts`. */
  limitIndexed: LimitResult;
  /** SQLite: every row the import wrote, again, into indexed copies of its tables. */
  writeSet?: WriteSetResult;
  rss: number;
  /** Bytes on disk after the import (SQLite: file + WAL; PostgreSQL: the schema's relations). */
  dbBytes: number;
  /** CPU seconds (user + system, all threads of the process) the import took. */
  cpuSeconds: number;
  /** [seconds since the start, records received so far], one per committed batch. */
  timeline: [number, number][];
  /** Indexes the import deferred and built at its end (ADR 0030), and the seconds that took. */
  indexesBuilt: string[];
  indexSeconds: number;
}

/** The rate over time, a line every TICK seconds: does it hold as the database grows? */
function printTimeline(timeline: [number, number][]): void {
  console.log('   seconds |   records | records/s since last line | records/s overall');
  let last: [number, number] = [0, 0];
  timeline.forEach((point, n) => {
    if (point[0] - last[0] < TICK && n < timeline.length - 1) return;
    console.log(
      `${point[0].toFixed(0).padStart(10)} | ${fmt(point[1]).padStart(9)} | ` +
        `${fmt((point[1] - last[1]) / (point[0] - last[0])).padStart(25)} | ${fmt(point[1] / point[0]).padStart(17)}`,
    );
    last = point;
  });
}

async function prepare(database: DatabaseHandle): Promise<void> {
  await migrateToLatest(database.db);
  await importAreaRecords(database.db, readCountyDivisions(COUNTY), REFERENCE_DATE);
}

async function importRound(
  database: DatabaseHandle,
): Promise<Omit<Round, 'limit' | 'limitIndexed' | 'dbBytes'>> {
  const { db } = database;
  const starts = new Map<string, number>();
  const timeline: [number, number][] = [];
  let before = 0; // records of the feeds already done
  let current = 0;
  let indexesBuilt: string[] = [];
  let indexSeconds = 0;
  startPhase();
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const imports = await importFeedDirectory({ db, cipher, variables, feeds }, feedDir, {
    startedBy: 'bench',
    batchSize: BATCH,
    ...(WRITER === undefined ? {} : { backgroundWriter: WRITER }),
    ...(DEFER === undefined ? {} : { deferIndexes: DEFER }),
    ...(INTERPRET_THREAD ? { interpretThread: true } : {}),
    onIndexesBuilt: (names, took) => {
      indexesBuilt = names;
      indexSeconds = took;
    },
    onStart: (row) => {
      before += current;
      current = 0;
      starts.set(row.id, performance.now());
    },
    onProgress: (p) => {
      current = p.received;
      timeline.push([(performance.now() - started) / 1000, before + current]);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rss = endPhase();
  // A feed's time runs from its onStart to the next feed's (so the hashing and area list of
  // the next file count there), the first one's from the call, the last one's to the end less
  // the deferred index build (printed on its own: it is the whole folder's, not that feed's).
  const feedSeconds = new Map<string, number>();
  imports.forEach((i, n) => {
    const from = n === 0 ? started : (starts.get(i.id) ?? started);
    const next = imports[n + 1];
    const to = next ? (starts.get(next.id) ?? from) : started + (seconds - indexSeconds) * 1000;
    feedSeconds.set(i.feed_id, (to - from) / 1000);
  });
  for (const i of imports) {
    if (i.status !== 'completed') throw new Error(`${i.feed_id}: ${i.status}`);
    if (i.received !== i.accepted + i.rejected + i.duplicate)
      throw new Error(`${i.feed_id}: counts do not reconcile`);
  }
  const count = async (table: 'facts' | 'persons') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    );
  // Printed before the limits run: at full scale they take many minutes more, and a failure there
  // must not lose the import's own figures.
  const received = sum(imports, (i) => i.received);
  console.log(
    `import: ${fmt(received)} records in ${seconds.toFixed(1)} s (${fmt(received / seconds)}/s; ` +
      `CPU ${cpuSeconds.toFixed(1)} s), peak RSS ${mib(rss)}; ` +
      (indexesBuilt.length > 0
        ? `deferred indexes ${indexesBuilt.join(', ')} built at the end in ${indexSeconds.toFixed(1)} s (included)`
        : 'no index deferred'),
  );
  printTimeline(timeline);
  return {
    seconds,
    imports,
    feedSeconds,
    facts: await count('facts'),
    persons: await count('persons'),
    rss,
    cpuSeconds,
    timeline,
    indexesBuilt,
    indexSeconds,
  };
}

const results = new Map<string, Round[]>();
const labels = { sqlite: 'SQLite (file, WAL)', postgres: 'PostgreSQL (loopback)' } as const;
for (let r = 0; r < ROUNDS; r++) {
  // Alternate the order so slow drifts in the machine's load hit both databases alike.
  const order = r % 2 === 0 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const);
  for (const name of order) {
    if (!databases.includes(name)) continue;
    let round: Round;
    if (name === 'sqlite') {
      const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-bench-ingest-db-'));
      const file = path.join(dbDir, 'bench.db');
      const sqlite = createDatabase({ sqliteFile: file });
      try {
        await prepare(sqlite);
        const done = await importRound(sqlite);
        const dbBytes = [file, `${file}-wal`].reduce(
          (n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0),
          0,
        );
        const received = sum(done.imports, (i) => i.received);
        const limit = (indexed: boolean) =>
          sqliteLimit(file, { rows: received, batch: BATCH, chunk: CHUNK, indexed });
        // As many transactions as the import committed: one per batch of each file.
        const batches = sum(done.imports, (i) => Math.ceil(i.received / BATCH));
        round = {
          ...done,
          dbBytes,
          limit: limit(false),
          limitIndexed: limit(true),
          writeSet: sqliteWriteSetLimit(file, batches, {
            deferIndexes: done.indexesBuilt.length > 0,
            batch: BATCH,
          }),
        };
      } finally {
        await sqlite.close();
        fs.rmSync(dbDir, { recursive: true, force: true });
      }
    } else {
      const schema = `bench_ingest_${process.pid}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      try {
        const postgres = createDatabase({ url: PG_URL, schema });
        try {
          await prepare(postgres);
          const done = await importRound(postgres);
          const size = await admin.query<{ bytes: string }>(
            `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes from pg_class c
             join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
            [schema],
          );
          const dbBytes = Number(size.rows[0]?.bytes ?? 0);
          const received = sum(done.imports, (i) => i.received);
          const limit = (indexed: boolean) =>
            postgresLimit(PG_URL, schema, { rows: received, batch: BATCH, chunk: CHUNK, indexed });
          round = {
            ...done,
            dbBytes,
            limit: await limit(false),
            limitIndexed: await limit(true),
          };
        } finally {
          await postgres.close();
        }
      } finally {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      }
    }
    const list = results.get(name) ?? [];
    list.push(round);
    results.set(name, list);
    const received = sum(round.imports, (i) => i.received);
    console.log(
      `round ${r + 1}/${ROUNDS} ${labels[name]}: ${fmt(received)} records in ${round.seconds.toFixed(1)} s ` +
        `(CPU ${round.cpuSeconds.toFixed(1)} s, ${fmt(received / round.cpuSeconds)} records per CPU second) ` +
        `(${fmt(received / round.seconds)}/s); limit ${fmt(round.limit.rows)} rows in ${round.limit.seconds.toFixed(2)} s ` +
        `(${fmt(round.limit.rows / round.limit.seconds)}/s), indexed ${round.limitIndexed.seconds.toFixed(2)} s ` +
        `(${fmt(round.limitIndexed.rows / round.limitIndexed.seconds)}/s)` +
        (round.writeSet
          ? `, write set ${fmt(Object.values(round.writeSet.rows).reduce((a, b) => a + b, 0))} rows in ` +
            `${round.writeSet.seconds.toFixed(2)} s (${round.writeSet.indexSeconds.toFixed(2)} s of it building deferred indexes; ` +
            `${fmt(received / round.writeSet.seconds)} records/s: ` +
            Object.entries(round.writeSet.rows)
              .map(([t, n]) => `${t} ${fmt(n)}`)
              .join(', ') +
            ')'
          : '') +
        `; peak RSS ${mib(round.rss)}; ` +
        `database ${mib(round.dbBytes)}; load average ${(os.loadavg()[0] ?? 0).toFixed(1)}`,
    );
  }
}
clearInterval(sampler);

// Per feed: what each did (from the last round; every round imports the same files into an
// empty database, so the counts are the same) and the median time.
const names = [...results.keys()];
console.log('');
console.log(
  `Per feed (median of ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}; records/s = rows received per second)`,
);
console.log(
  'feed                               | received | accepted | rejected | dupl. |     facts |' +
    names.map((n) => ` ${n.padStart(8)} s | ${'records/s'.padStart(9)} |`).join(''),
);
const first = results.get(names[0] ?? '')?.at(-1);

for (const i of first?.imports ?? []) {
  let line =
    `${i.feed_id.padEnd(34)} | ${fmt(i.received).padStart(8)} | ${fmt(i.accepted).padStart(8)} | ` +
    `${fmt(i.rejected).padStart(8)} | ${fmt(i.duplicate).padStart(5)} | ${fmt(i.facts_recorded).padStart(9)} |`;
  for (const n of names) {
    const seconds = median((results.get(n) ?? []).map((round) => round.feedSeconds.get(i.feed_id) ?? 0));
    line += ` ${seconds.toFixed(2).padStart(10)} | ${fmt(i.received / seconds).padStart(9)} |`;
  }
  console.log(line);
}

console.log('');
console.log(
  `Ingest of ${fmt(HOUSEHOLDS)} households end to end (importFeedDirectory, 14 files, batch ${fmt(BATCH)}, ` +
    `SQLite background writer ${WRITER === undefined ? 'as the importer decides (one for the folder from 8 MiB)' : WRITER ? 'on' : 'off'}, ` +
    `deferred indexes ${DEFER === undefined ? 'as the importer decides' : DEFER ? 'on' : 'off'}: ` +
    `${[...new Set([...results.values()].flat().flatMap((r) => r.indexesBuilt))].join(', ') || 'none'}), ` +
    `median of ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}; limit = the same number of plain rows ` +
    `(the import's facts) by multi-row INSERT (${CHUNK} rows) into an unindexed copy of facts, one transaction per batch; ` +
    `indexed = the same into a copy with the primary key and indexes of facts; write set (SQLite) = every row ` +
    `the import inserted, into indexed copies of its tables, by prepared single-row INSERTs in as many transactions as it committed`,
);
console.log(
  'database              |   records | accepted | rejected | dupl. |   persons |     facts | import s | records/s |' +
    ' limit s |  limit rows/s | ours/limit | indexed s | indexed rows/s | ours/indexed | write set s | write set records/s | ours/write set | 23 M at this rate | peak RSS | database',
);
for (const [name, rounds] of results) {
  const last = rounds.at(-1);
  if (!last) continue;
  const received = sum(last.imports, (i) => i.received);
  const seconds = median(rounds.map((r) => r.seconds));
  const limitSeconds = median(rounds.map((r) => r.limit.seconds));
  const rate = received / seconds;
  const limitRate = last.limit.rows / limitSeconds;
  const indexedRate = last.limitIndexed.rows / median(rounds.map((r) => r.limitIndexed.seconds));
  const hours = XUHUI_RECORDS / rate / 3600;
  const writeSets = rounds.flatMap((r) => (r.writeSet ? [r.writeSet.seconds] : []));
  const writeSetSeconds = writeSets.length > 0 ? median(writeSets) : undefined;
  const writeSetColumns =
    writeSetSeconds === undefined
      ? `${'—'.padStart(11)} | ${'—'.padStart(19)} | ${'—'.padStart(14)} | `
      : `${writeSetSeconds.toFixed(2).padStart(11)} | ${fmt(received / writeSetSeconds).padStart(19)} | ` +
        `${((rate / (received / writeSetSeconds)) * 100).toFixed(1).padStart(12)} % | `;
  console.log(
    `${labels[name as keyof typeof labels].padEnd(21)} | ${fmt(received).padStart(9)} | ` +
      `${fmt(sum(last.imports, (i) => i.accepted)).padStart(8)} | ${fmt(sum(last.imports, (i) => i.rejected)).padStart(8)} | ` +
      `${fmt(sum(last.imports, (i) => i.duplicate)).padStart(5)} | ${fmt(last.persons).padStart(9)} | ` +
      `${fmt(last.facts).padStart(9)} | ${seconds.toFixed(1).padStart(8)} | ${fmt(rate).padStart(9)} | ` +
      `${limitSeconds.toFixed(2).padStart(7)} | ${fmt(limitRate).padStart(13)} | ` +
      `${((rate / limitRate) * 100).toFixed(1).padStart(8)} % | ` +
      `${(last.limitIndexed.rows / indexedRate).toFixed(2).padStart(9)} | ${fmt(indexedRate).padStart(14)} | ` +
      `${((rate / indexedRate) * 100).toFixed(1).padStart(10)} % | ${writeSetColumns}${hours.toFixed(1).padStart(15)} h | ` +
      `${mib(Math.max(...rounds.map((r) => r.rss)))} | ${mib(last.dbBytes)}`,
  );
}
console.log(
  `Peak RSS: ${mib(peakRss)} sampled every 100 ms (generation ${mib(generationRss)}); ` +
    `OS maximum resident set ${mib(process.resourceUsage().maxRSS * 1024)}. ` +
    `Finished ${new Date().toISOString()} (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s).`,
);
