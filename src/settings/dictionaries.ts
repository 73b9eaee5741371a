import {
  areaKindLabels,
  areaKindLabelsEn,
  areaLevelLabels,
  areaLevelLabelsEn,
  areaLevels,
} from '../areas/areaCode.ts';
import { dataScopeLabels, organisationKindLabels } from '../access/users/accessLabels.ts';
import { isRelationshipCode, relationshipCodes } from '../registry/households/relationshipCodes.ts';
import { sexLabels } from '../registry/persons/personDto.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';

export interface DictionaryEntry {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface Dictionary {
  code: string;
  nameZh: string;
  nameEn: string;
  entries: DictionaryEntry[];
}

const fromLabels = (labels: Record<string, { zh: string; en: string }>): DictionaryEntry[] =>
  Object.entries(labels).map(([code, l]) => ({ code, nameZh: l.zh, nameEn: l.en }));

/**
 * The code tables the console shows in drop-downs, built from the constants and the variable
 * catalogue the server itself validates against — one source of truth, no copied lists.
 * Every `code` variable of catalogue/variables.yaml (disability type and grade, marital
 * status, …) is a dictionary under its variable name.
 */
export function buildDictionaries(variables: VariableCatalogue): Dictionary[] {
  const dictionaries: Dictionary[] = [
    {
      code: 'relationship',
      nameZh: '家庭关系（GB/T 4761-2008）',
      nameEn: 'Family relationship (GB/T 4761-2008)',
      // The standard names its codes in Chinese only, so the English name is the Chinese one.
      // Sorted by code: object keys like '10' would otherwise come before '02'.
      entries: Object.entries(relationshipCodes)
        .filter(([code]) => isRelationshipCode(code))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, zh]) => ({ code, nameZh: zh, nameEn: zh })),
    },
    { code: 'sex', nameZh: '性别', nameEn: 'Sex', entries: fromLabels(sexLabels) },
    {
      code: 'area_level',
      nameZh: '区划级别',
      nameEn: 'Area level',
      entries: areaLevels.map((level) => ({
        code: level,
        nameZh: areaLevelLabels[level],
        nameEn: areaLevelLabelsEn[level],
      })),
    },
    {
      code: 'area_kind',
      nameZh: '区划类别',
      nameEn: 'Area kind',
      entries: Object.entries(areaKindLabels).map(([code, zh]) => ({
        code,
        nameZh: zh,
        nameEn: areaKindLabelsEn[code as keyof typeof areaKindLabelsEn],
      })),
    },
    {
      code: 'organisation_kind',
      nameZh: '组织机构类别',
      nameEn: 'Organisation kind',
      entries: fromLabels(organisationKindLabels),
    },
    { code: 'data_scope', nameZh: '数据范围', nameEn: 'Data scope', entries: fromLabels(dataScopeLabels) },
    {
      code: 'department',
      nameZh: '数据来源部门',
      nameEn: 'Source department',
      entries: variables.departments.map((d) => ({ code: d.code, nameZh: d.zh, nameEn: d.en })),
    },
  ];
  for (const variable of variables.list()) {
    if (variable.type !== 'code' || !variable.codes) continue;
    dictionaries.push({
      code: variable.name,
      nameZh: variable.label.zh,
      nameEn: variable.label.en,
      entries: fromLabels(variable.codes),
    });
  }
  return dictionaries;
}
