import type { VariableCatalogue, VariableType } from '../registry/variables/variableCatalogue.ts';
import {
  householdFields,
  registryFields,
  registryLabels,
  type PortraitDefinitions,
} from '../portrait/portraitDefinitions.ts';

/** What a name in a rule means: its type, and its label for explanations. */
export interface FieldInfo {
  type: VariableType;
  label: { zh: string; en: string };
  unit: string | null;
  /** `temporal: event` catalogue variables are lists of {on, value}. */
  event: boolean;
  /** A list of codes: the household's own fields (assistance_types). */
  list: boolean;
}

/**
 * A household's multidimensional hardship as the discovery assessment model judges it (issue 7,
 * `src/assessment`): set on the household when it is read for screening or explaining, so a
 * rule can ask for households that are poor in many ways but receive nothing.
 */
export const HARDSHIP_FIELDS: ReadonlyMap<string, { type: VariableType; label: { zh: string; en: string } }> =
  new Map([
    [
      'hardship_poor',
      {
        type: 'boolean',
        label: { zh: '多维困难（评估模型认定）', en: 'Multidimensionally poor (assessment)' },
      },
    ],
    [
      'hardship_score',
      { type: 'number', label: { zh: '多维剥夺得分', en: 'Multidimensional deprivation score' } },
    ],
    ['hardship_band', { type: 'code', label: { zh: '多维困难分档', en: 'Hardship band' } }],
  ]);

/** The fields rules may read of a person (`p`, each of `members`) and of a household (`h`). */
export interface RuleVocabulary {
  person: ReadonlyMap<string, FieldInfo>;
  household: ReadonlyMap<string, FieldInfo>;
}

/**
 * Rules read what the portrait gives (issue 4): registry fields, every catalogue variable of
 * the entity, and the portrait's derived variables — one vocabulary, so a policy can only name
 * what a household's portrait can hold.
 */
export function ruleVocabulary(catalogue: VariableCatalogue, portrait: PortraitDefinitions): RuleVocabulary {
  const person = new Map<string, FieldInfo>();
  const household = new Map<string, FieldInfo>();
  const plain = (type: VariableType, name: string, list: boolean): FieldInfo => ({
    type,
    label: registryLabels[name] ?? { zh: name, en: name },
    unit: null,
    event: false,
    list,
  });
  for (const [name, type] of Object.entries(registryFields)) person.set(name, plain(type, name, false));
  for (const [name, type] of Object.entries(householdFields)) household.set(name, plain(type, name, true));
  for (const v of catalogue.list()) {
    const info: FieldInfo = {
      type: v.type,
      label: v.label,
      unit: v.unit ?? null,
      event: v.temporal === 'event',
      list: false,
    };
    (v.entity === 'person' ? person : household).set(v.name, info);
  }
  for (const d of portrait.person)
    person.set(d.name, { type: d.type, label: d.label, unit: d.unit ?? null, event: false, list: false });
  for (const d of portrait.household)
    household.set(d.name, { type: d.type, label: d.label, unit: d.unit ?? null, event: false, list: false });
  for (const [name, { type, label }] of HARDSHIP_FIELDS)
    household.set(name, { type, label, unit: null, event: false, list: false });
  return { person, household };
}

/** Only the types, as the portrait's probe wants them. */
export function typesOf(fields: ReadonlyMap<string, FieldInfo>): Map<string, VariableType> {
  return new Map([...fields].map(([name, info]) => [name, info.type]));
}
