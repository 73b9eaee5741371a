/**
 * Reading an XLSX feed file: ours (`readFeedFile`, whose worksheet rows come from
 * `readSheetRows`, ADR 0040) against exceljs's own streaming reader (the peer: its public
 * `stream.xlsx.WorkbookReader`, iterating the sheet's rows, each cell turned into text the way
 * ours does), in the same run, rounds alternating. The file is written once, not timed, with
 * exceljs's streaming writer as departments' exports and our generator write them: a header and
 * BENCH_ROWS rows (default 100,000) of eight columns — ID numbers, names, dates (date-formatted
 * numbers), amounts, codes — as inline strings (BENCH_SHARED=on: shared strings). Both readers
 * must give the same texts for every row before anything is timed. Figures are medians.
 * Run: npm run bench:xlsx (BENCH_ROWS, BENCH_ROUNDS, BENCH_SHARED).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { readFeedFile } from '../src/ingest/readers/readFeedFile.ts';
import { xlsxCellText } from '../src/ingest/readers/xlsxCellText.ts';
import { machineLine } from './benchCounty.ts';

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROWS = envNumber('BENCH_ROWS', 100_000);
const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const SHARED = process.env.BENCH_SHARED === 'on';

const columns = ['证件号码', '姓名', '出生日期', '业务流水号', '缴存基数', '月缴存额', '开户日期', '状态'];
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const given = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-bench-xlsx-'));
process.on('exit', () => {
  fs.rmSync(dir, { recursive: true, force: true });
});
const file = path.join(dir, 'housing_fund.xlsx');

const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: SHARED });
const sheet = writer.addWorksheet('缴存');
sheet.columns = columns.map((header, i) => ({
  header,
  key: String(i),
  ...(i === 2 || i === 6 ? { style: { numFmt: 'yyyy-mm-dd' } } : {}),
}));
let seed = 20261202;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
for (let i = 0; i < ROWS; i++) {
  const born = new Date(Date.UTC(1950 + random(55), random(12), 1 + random(28)));
  sheet
    .addRow([
      `3710821${String(9500000000 + i)}`,
      `${surnames[random(surnames.length)] ?? ''}${given[random(given.length)] ?? ''}${given[random(given.length)] ?? ''}`,
      born,
      `37108202${String(2025000000000000 + i)}`,
      (2000 + random(800000) / 100).toFixed(2),
      random(3000) + 0.5,
      new Date(Date.UTC(2000 + random(25), random(12), 1 + random(28))),
      ['正常', '封存', '销户'][random(3)] ?? '',
    ])
    .commit();
}
await writer.commit();
const mib = fs.statSync(file).size / 2 ** 20;

/** Ours: the feed reader the importer uses. */
async function ours(): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const { record } of readFeedFile(file, {
    format: 'xlsx',
    encoding: 'utf-8',
    delimiter: ',',
    expectedColumns: columns,
    requiredColumns: columns,
  }))
    rows.push(columns.map((c) => record[c] ?? ''));
  return rows;
}

/** The peer: exceljs's streaming reader as its README shows, cells as text the same way. */
async function peer(): Promise<string[][]> {
  const rows: string[][] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const worksheet of reader) {
    let first = true;
    for await (const row of worksheet) {
      if (first) {
        first = false;
        continue;
      }
      const texts = columns.map((_, i) => xlsxCellText(row.getCell(i + 1).value).trim());
      rows.push(texts);
    }
    break;
  }
  return rows;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(machineLine('XLSX reader benchmark'));
console.log(
  `File: ${fmt(ROWS)} rows × ${String(columns.length)} columns, ${SHARED ? 'shared' : 'inline'} strings, ${mib.toFixed(1)} MiB`,
);

// The same texts from both, every row, before any timing — except where exceljs garbled a
// Chinese character split between two chunks of the inflated text (U+FFFD), which it does
// (readZipEntryText.ts): those rows are counted, not compared.
const [a, b] = [await ours(), await peer()];
const garbled = b.filter((row) => row.some((text) => text.includes('\uFFFD'))).length;
const differing = a.findIndex((row, i) => {
  const other = b[i];
  return (
    other === undefined ||
    (!other.some((t) => t.includes('\uFFFD')) && JSON.stringify(row) !== JSON.stringify(other))
  );
});
if (a.length !== ROWS || b.length !== ROWS || differing >= 0) {
  throw new Error(
    `readers differ (${String(a.length)} vs ${String(b.length)} rows; first at ${String(differing)}: ${JSON.stringify(a[differing])} vs ${JSON.stringify(b[differing])})`,
  );
}
console.log(
  `Both read ${fmt(ROWS)} rows alike; exceljs garbled ${fmt(garbled)} of them (a character split between chunks), ours none.`,
);
if (a.some((row) => row.some((text) => text.includes('\uFFFD')))) throw new Error('ours garbled a text');

const times = { ours: [] as number[], peer: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const);
  for (const who of order) {
    const started = performance.now();
    await (who === 'ours' ? ours() : peer());
    times[who].push((performance.now() - started) / 1000);
  }
  console.log(
    `round ${String(round + 1)}/${String(ROUNDS)}: ours ${(times.ours.at(-1) ?? 0).toFixed(2)} s, exceljs ${(times.peer.at(-1) ?? 0).toFixed(2)} s`,
  );
}
const [o, p] = [median(times.ours), median(times.peer)];
console.log(
  `Median of ${String(ROUNDS)}: ours ${o.toFixed(2)} s (${fmt(ROWS / o)} rows/s), exceljs ${p.toFixed(2)} s (${fmt(ROWS / p)} rows/s): ${(p / o).toFixed(2)}× exceljs`,
);
