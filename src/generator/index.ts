export {
  generatePopulation,
  MAX_HOUSEHOLDS,
  STAGE_STREAMS,
  type GeneratorOptions,
  type GeneratorVillage,
  type GenHukouHousehold,
  type GenHukouMember,
  type GenPerson,
  type GenPopulation,
} from './generatePopulation.ts';
export { Random } from './random.ts';
export { WeightedTable } from './weightedTable.ts';
export {
  drawGivenName,
  drawSurname,
  nationalSurnames,
  surnameProfileOf,
  type Sex,
  type SurnameProfile,
} from './names.ts';
export { generateAttributes, ATTRIBUTE_STREAMS, type AttributeOptions } from './generateAttributes.ts';
export type {
  Disability,
  DisabilityGrade,
  DisabilityType,
  EmploymentStatus,
  EventKind,
  GenAttributes,
  GenEvent,
  HouseholdAttributes,
  MaritalStatus,
  PersonAttributes,
  StudentStage,
} from './attributeDraft.ts';
export {
  writeCountyFeeds,
  formatFeedDate,
  FEED_STREAMS,
  type FeedFileReport,
  type WriteFeedsOptions,
  type WriteFeedsReport,
} from './writeCountyFeeds.ts';
export {
  DEFAULT_DEFECT_RATES,
  NO_DEFECTS,
  type DefectKind,
  type DefectRates,
  type DefectRecord,
} from './feedDefects.ts';
export { encodeGbk, isGbkEncodable } from './gbkEncoder.ts';
