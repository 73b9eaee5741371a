import type { IsoDate } from '../../core/isoDate.ts';
import { ParameterSet, type ParameterDefinition, type ParameterScalar } from './parameterSet.ts';

/** One change of a what-if scenario: a parameter's value for a region from a date. */
export interface ParameterChange {
  name: string;
  region: string;
  from: IsoDate;
  value: ParameterScalar;
}

/**
 * The parameters with a scenario's changes laid over them (OpenFisca's reforms): each change is a
 * value for its region from its date, replacing one the files have for the same region and date.
 * The files and the live set are untouched — a scenario never changes what screening uses.
 */
export function overlayParameters(base: ParameterSet, changes: ParameterChange[]): ParameterSet {
  const definitions: ParameterDefinition[] = base.list().map((d) => ({ ...d, values: new Map(d.values) }));
  const byName = new Map(definitions.map((d) => [d.name, d]));
  for (const change of changes) {
    const definition = byName.get(change.name);
    if (!definition) throw new Error(`unknown parameter ${change.name}`);
    const values = (definition.values.get(change.region) ?? []).filter((v) => v.from !== change.from);
    values.push({
      region: change.region,
      from: change.from,
      value: change.value,
      ref: '假设情景（模拟）',
      checked: change.from,
      confirmed: false,
    });
    values.sort((a, b) => a.from.localeCompare(b.from));
    definition.values.set(change.region, values);
  }
  return new ParameterSet(definitions);
}
