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
