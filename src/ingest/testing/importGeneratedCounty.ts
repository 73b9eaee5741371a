import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findArea } from '../../areas/areaRepository.ts';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import type { TestDatabase } from '../../db/testing/eachDatabase.ts';
import { generateCountyFeeds, type CountyFeedsOptions } from '../../generator/generateCountyFeeds.ts';
import { testContext } from '../../http/testing/buildTestApp.ts';
import { refreshPortraits } from '../../portrait/refreshPortraits.ts';
import { portraitContextOf } from '../../portrait/portraitRefresher.ts';
import { importFeedDirectory } from '../imports/importFeedDirectory.ts';

/**
 * A generated Rongcheng county brought into a test database the way a bureau's would arrive:
 * the area tree (unless already there), the fourteen departments' files through the feeds, and
 * — unless `portraits: false` — the portraits on the reference date. Returns the folder with
 * the files and the ground truth; the caller removes it.
 */
export async function importGeneratedCounty(
  test: TestDatabase,
  options: Pick<CountyFeedsOptions, 'households' | 'seed' | 'referenceDate' | 'detail'> & {
    portraits?: boolean;
  },
): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-county-'));
  const { portraits = true, ...generation } = options;
  await generateCountyFeeds({ countyCode: '371082', outDir: dir, ...generation });
  if (!(await findArea(test.db, '371082000000')))
    await importAreaRecords(test.db, readCountyDivisions('371082'), '2023-12-31');
  const context = testContext(test);
  await importFeedDirectory(context, path.join(dir, 'feeds'), { startedBy: 'test' });
  if (portraits) await refreshPortraits(portraitContextOf(context), { asOf: options.referenceDate });
  return dir;
}
