import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { defaultAssessmentDir, loadAssessmentModels } from './loadAssessmentModels.ts';

const catalogue = loadVariableCatalogue();
const portrait = loadPortraitDefinitions(catalogue);

describe('loadAssessmentModels', () => {
  it('loads the shipped models, their cases holding: seven dimensions of 21 indicators, and Changning’s grades', () => {
    const models = loadAssessmentModels(catalogue, portrait);
    const byId = new Map(models.map((m) => [m.id, m]));
    const seven = byId.get('default_seven_dimensions');
    expect(seven?.dimensions.map((d) => d.id)).toEqual([
      'economy',
      'health',
      'disability_care',
      'employment',
      'education',
      'housing',
      'social_security',
    ]);
    expect(seven?.indicators.length).toBeGreaterThanOrEqual(20);
    const changning = byId.get('changning_needs');
    expect([changning?.dimensions.length, changning?.indicators.length]).toEqual([6, 10]);
    expect(changning?.bands.map((b) => b.id)).toEqual(['low', 'medium', 'high']);
    for (const model of models) expect(model.cases.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a file with a problem, naming file, line and what is wrong', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-assessment-'));
    try {
      const text = fs
        .readFileSync(path.join(defaultAssessmentDir, 'changning_needs.yaml'), 'utf8')
        .replace(/^k: .*$/m, "k: '0'");
      fs.writeFileSync(path.join(dir, 'changning_needs.yaml'), text);
      const line = text.split('\n').findIndex((l) => l.startsWith('k:')) + 1;
      expect(() => loadAssessmentModels(catalogue, portrait, dir)).toThrow(
        `changning_needs.yaml:${String(line)}: k：贫困临界值 k = 0，应大于 0 且不超过 1`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
