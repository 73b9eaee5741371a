import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlSource } from '../rules/yamlSource.ts';
import { checkRoutingRules, type RoutingRules } from './routingRules.ts';

export const defaultRoutingFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dispatch/routing.yaml',
);

/**
 * The routing rules (`dispatch/routing.yaml`), checked against the departments in the catalogue
 * and the ids of the policies, warnings and models: any problem stops the load with every
 * problem as file:line and what is wrong, in Chinese.
 */
export function loadRoutingRules(
  known: { departments: ReadonlySet<string>; ruleIds: ReadonlySet<string> },
  file = defaultRoutingFile,
): RoutingRules {
  const source = parseYamlSource(path.basename(file), fs.readFileSync(file, 'utf8'));
  const checked = checkRoutingRules(source.data, known);
  if (!checked.rules)
    throw new Error(
      checked.problems
        .map((p) => {
          const at = p.path
            .split(/[.[\]]+/)
            .filter(Boolean)
            .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
          return `${path.basename(file)}:${String(source.lineOf(at))}: ${p.path}：${p.message}`;
        })
        .join('\n'),
    );
  return checked.rules;
}
