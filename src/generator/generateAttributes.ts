import { assignAssistance } from './assignAssistance.ts';
import { assignCivilStatus } from './assignCivilStatus.ts';
import { assignHealth } from './assignHealth.ts';
import { assignProperty } from './assignProperty.ts';
import { assignSchooling } from './assignSchooling.ts';
import { assignTekun } from './assignTekun.ts';
import { assignWork } from './assignWork.ts';
import { createAttributeContext, type GenAttributes } from './attributeDraft.ts';
import type { GenPopulation } from './generatePopulation.ts';
import { plantEvents } from './plantEvents.ts';
import { Random } from './random.ts';

export interface AttributeOptions {
  countyCode: string;
  seed: number;
  /** The population's reference date, 'YYYY-MM-DD'. */
  referenceDate: string;
}

/**
 * The labels of the attribute stages' streams, forked from the seed's root like the
 * population stages' (whose labels they never reuse). Never rename or reorder them; a new
 * stage gets a new label, leaving every earlier stage's numbers unchanged.
 */
export const ATTRIBUTE_STREAMS = {
  health: 'attributes.health',
  schooling: 'attributes.schooling',
  civilStatus: 'attributes.civil_status',
  work: 'attributes.work',
  tekun: 'attributes.tekun',
  property: 'attributes.property',
  assistance: 'attributes.assistance',
  events: 'attributes.events',
} as const;

/**
 * Deterministic attributes for a generated population: health, schooling, work and money,
 * property, enrolments (dibao, near-dibao, tekun) and planted hardship events.
 */
export function generateAttributes(population: GenPopulation, options: AttributeOptions): GenAttributes {
  const context = createAttributeContext(population, options.countyCode, options.referenceDate);
  const root = new Random(options.seed);
  assignHealth(context, root.fork(ATTRIBUTE_STREAMS.health));
  assignSchooling(context, root.fork(ATTRIBUTE_STREAMS.schooling));
  assignCivilStatus(context, root.fork(ATTRIBUTE_STREAMS.civilStatus));
  assignWork(context, root.fork(ATTRIBUTE_STREAMS.work));
  assignTekun(context, root.fork(ATTRIBUTE_STREAMS.tekun));
  assignProperty(context, root.fork(ATTRIBUTE_STREAMS.property));
  assignAssistance(context, root.fork(ATTRIBUTE_STREAMS.assistance));
  plantEvents(context, root.fork(ATTRIBUTE_STREAMS.events));
  return {
    referenceDate: options.referenceDate,
    persons: context.persons,
    households: context.households,
    events: context.events,
  };
}
