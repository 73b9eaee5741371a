import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { todayInChina } from '../../core/isoDate.ts';
import type { PortraitDefinitions } from '../../portrait/portraitDefinitions.ts';
import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { RulePool } from '../evaluate/explainPolicies.ts';
import { defaultParametersDir, loadParameters, NATIONAL } from '../parameters/parameterSet.ts';
import { ruleVocabulary } from '../ruleVocabulary.ts';
import { parseYamlSource } from '../yamlSource.ts';
import { buildPolicy } from './buildPolicy.ts';
import type { PolicyDefinition, RuleKind } from './policyDefinition.ts';
import { areaCodeProblem } from '../../areas/areaCode.ts';

export const defaultPoliciesDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../policies',
);

export interface LoadPoolOptions {
  policiesDir?: string;
  parametersDir?: string;
  /** The date parameters must have values on (today by default). */
  checkDate?: string;
  minCases?: number;
  /** Policies (default) or early warnings: the same format and checks, see buildPolicy. */
  kind?: RuleKind;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (entry.name.endsWith('.yaml')) out.push(full);
  }
  return out.sort();
}

/**
 * Loads and checks the whole pool: `policies/pool.yaml` (the regions served), every policy
 * file below `policies/` and every parameter file. Any error refuses the whole pool with
 * file:line and the fix — a server keeps its last good pool (see poolHolder.ts).
 */
export function loadPool(
  catalogue: VariableCatalogue,
  portrait: PortraitDefinitions,
  options: LoadPoolOptions = {},
): RulePool {
  const policiesDir = options.policiesDir ?? defaultPoliciesDir;
  const parametersDir = options.parametersDir ?? defaultParametersDir;
  const parameters = loadParameters(parametersDir);
  const vocabulary = ruleVocabulary(catalogue, portrait);
  const hash = createHash('sha256');
  const manifestFile = path.join(policiesDir, 'pool.yaml');
  const manifest = parseYamlSource('pool.yaml', fs.readFileSync(manifestFile, 'utf8'));
  const regions = (manifest.data as { regions?: unknown } | null)?.regions;
  if (!Array.isArray(regions) || regions.length === 0)
    throw new Error(
      `pool.yaml:${String(manifest.lineOf(['regions']))}: 缺少 regions：本系统服务的地区代码列表`,
    );
  const served = regions.map((r: unknown, i) => {
    const code = String(r);
    if (code !== NATIONAL && areaCodeProblem(code) !== undefined)
      throw new Error(`pool.yaml:${String(manifest.lineOf(['regions', i]))}: “${code}”不是区划代码前缀`);
    return code;
  });
  const context = {
    vocabulary,
    catalogue,
    parameters,
    regions: served,
    checkDate: options.checkDate ?? todayInChina(),
    minCases: options.minCases ?? 3,
    kind: options.kind ?? 'policy',
  };
  const policies: PolicyDefinition[] = [];
  const byId = new Map<string, string>();
  for (const full of yamlFiles(policiesDir)) {
    if (full === manifestFile) continue;
    const relative = path.relative(policiesDir, full);
    const text = fs.readFileSync(full, 'utf8');
    hash.update(relative).update('\0').update(text).update('\0');
    const policy = buildPolicy(parseYamlSource(relative, text), context);
    const twin = byId.get(policy.id);
    if (twin) throw new Error(`${relative}:1: id ${policy.id} 已被 ${twin} 使用；每条政策的 id 应唯一`);
    byId.set(policy.id, relative);
    policies.push(policy);
  }
  for (const policy of policies) {
    const target = policy.phaseOut;
    if (target === null) continue;
    const other = policies.find((p) => p.id === target);
    if (!other)
      throw new Error(`${policy.file}:1: phase_out 指向的政策 ${target} 不存在；请写政策库中某条政策的 id`);
    if (other.entity !== policy.entity)
      throw new Error(
        `${policy.file}:1: phase_out 指向的政策 ${target} 的对象（${other.entity}）与本政策（${policy.entity}）不同`,
      );
  }
  for (const full of yamlFiles(parametersDir)) hash.update(path.basename(full)).update(fs.readFileSync(full));
  hash.update(portrait.version);
  return { policies, parameters, vocabulary, version: hash.digest('hex').slice(0, 16) };
}
