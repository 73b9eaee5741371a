import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/appError.ts';
import { generateCountyFeeds } from '../../generator/generateCountyFeeds.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import { readFeedFile, type ReadOptions } from '../readers/readFeedFile.ts';
import { packBatch, unpackBatch } from './packBatch.ts';
import { inBatches, prepareBatch, type PreparedBatch } from './prepareBatch.ts';
import { preparedBatchesInThread } from './preparedBatchesInThread.ts';
import { createRowMemo } from './rowMemo.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-interpret-thread-'));
const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
const feedOf = (id: string) => {
  const feed = feeds.get(id);
  if (!feed) throw new Error(`shipped feed ${id} missing`);
  return feed;
};
const catalogue = { variables: variables.list(), departments: variables.departments };
const today = '2026-11-28';

const readOptions = (feed: FeedDefinition, skipThroughLine = 0): ReadOptions => ({
  format: feed.format,
  encoding: feed.encoding,
  delimiter: feed.delimiter,
  ...(feed.sheet ? { sheet: feed.sheet } : {}),
  expectedColumns: feed.columns.map((c) => c.column),
  requiredColumns: feed.columns.filter((c) => c.required).map((c) => c.column),
  skipThroughLine,
});
const fileOf = (feed: FeedDefinition) => {
  const name = fs.readdirSync(path.join(root, 'feeds')).find((f) => f.startsWith(`${feed.id}.`));
  if (!name) throw new Error(`no file for ${feed.id}`);
  return path.join(root, 'feeds', name);
};

/** The same file prepared on this thread, in batches of `size`, packed and unpacked as they cross. */
async function preparedHere(feed: FeedDefinition, size: number, skip = 0): Promise<PreparedBatch[]> {
  const memo = createRowMemo();
  const out: PreparedBatch[] = [];
  for await (const batch of inBatches(readFeedFile(fileOf(feed), readOptions(feed, skip)), size))
    out.push(unpackBatch(packBatch(prepareBatch(feed, variables, batch, today, memo))));
  return out;
}

async function inThread(feed: FeedDefinition, size: number, skip = 0): Promise<PreparedBatch[]> {
  const out: PreparedBatch[] = [];
  const batches = preparedBatchesInThread({
    file: fileOf(feed),
    read: readOptions(feed, skip),
    feed,
    catalogue,
    today,
    batchSize: size,
  });
  for await (const batch of batches) out.push(batch);
  return out;
}

describe('preparedBatchesInThread', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await generateCountyFeeds({
      countyCode: '371082',
      households: 120,
      seed: 3,
      outDir: root,
      referenceDate: today,
    });
  }, 120_000);
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  // JSON lines, a CSV and a workbook: each feed's own reader runs on the thread.
  it.each(['medical_security_claims', 'human_resources_employment', 'housing_fund_accounts'])(
    'prepares %s on its thread as this thread would, batch by batch',
    async (id) => {
      const feed = feedOf(id);
      const here = await preparedHere(feed, 97);
      expect(here.length).toBeGreaterThan(1);
      expect(await inThread(feed, 97)).toEqual(here);
    },
  );

  it('resumes after a line as this thread would', async () => {
    const feed = feedOf('medical_security_claims');
    const here = await preparedHere(feed, 50, 120);
    expect(here[0]?.rows[0]?.line ?? here[0]?.rejects[0]?.line).toBeGreaterThan(120);
    expect(await inThread(feed, 50, 120)).toEqual(here);
  });

  it('passes on a file-level error with its code and parameters', async () => {
    const feed = feedOf('human_resources_employment');
    const bad = path.join(root, 'wrong-columns.csv');
    fs.writeFileSync(bad, 'a,b,c\n1,2,3\n');
    const batches = preparedBatchesInThread({
      file: bad,
      read: readOptions(feed),
      feed,
      catalogue,
      today,
      batchSize: 10,
    });
    const error = await (async () => {
      for await (const batch of batches) expect(batch).toBeUndefined();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INGEST_MISSING_COLUMNS');
    expect((error as AppError).params).toMatchObject({ columns: expect.any(String) as unknown });
  });

  it('stops the thread when the reader stops early', async () => {
    const feed = feedOf('medical_security_claims');
    let seen = 0;
    for await (const batch of preparedBatchesInThread({
      file: fileOf(feed),
      read: readOptions(feed),
      feed,
      catalogue,
      today,
      batchSize: 10,
    })) {
      seen += batch.received;
      break;
    }
    expect(seen).toBe(10);
  });
});
