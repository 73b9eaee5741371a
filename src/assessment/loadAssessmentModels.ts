import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMessage } from '../core/appError.ts';
import type { PortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { ruleVocabulary } from '../rules/ruleVocabulary.ts';
import { parseYamlSource } from '../rules/yamlSource.ts';
import type { AssessmentModel } from './assessmentModel.ts';
import { checkAssessmentModel } from './checkAssessmentModel.ts';

export const defaultAssessmentDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../assessment',
);

/**
 * The models shipped in `assessment/*.yaml` (the default seven-dimension model, the
 * Changning-style grades), checked like policies: a model with any problem stops the load with
 * every problem listed as file:line and what is wrong, in Chinese.
 */
export function loadAssessmentModels(
  catalogue: VariableCatalogue,
  portrait: PortraitDefinitions,
  dir = defaultAssessmentDir,
): AssessmentModel[] {
  const vocabulary = ruleVocabulary(catalogue, portrait);
  const models: AssessmentModel[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  for (const file of files) {
    const source = parseYamlSource(file, fs.readFileSync(path.join(dir, file), 'utf8'));
    const checked = checkAssessmentModel(source.data, { vocabulary, catalogue });
    if (checked.model === null)
      throw new Error(
        checked.problems
          .map(
            (p) =>
              `${file}:${String(source.lineOf(p.at))}: ${p.path}：${formatMessage(p.code, 'zh', p.params)}`,
          )
          .join('\n'),
      );
    if (`${checked.model.id}.yaml` !== file)
      throw new Error(
        `${file}:${String(source.lineOf(['id']))}: id 为 ${checked.model.id} 的模型应保存在 ${checked.model.id}.yaml`,
      );
    models.push(checked.model);
  }
  return models;
}
