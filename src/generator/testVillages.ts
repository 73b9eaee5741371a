import type { GeneratorVillage } from './generatePopulation.ts';

/**
 * Ten made-up villages of Rongcheng in three townships, for the generator's tests: residents' committees 001–199 (urban), village committees 200–399 (rural).
 */
export const testVillages: GeneratorVillage[] = [
  { code: '371082001001', name: '海湾社区居委会', kind: 'residents_committee', townshipCode: '371082001000' },
  { code: '371082001002', name: '渔港社区居委会', kind: 'residents_committee', townshipCode: '371082001000' },
  { code: '371082001201', name: '东岛村委会', kind: 'village_committee', townshipCode: '371082001000' },
  { code: '371082001202', name: '南泊村委会', kind: 'village_committee', townshipCode: '371082001000' },
  { code: '371082102001', name: '成山社区居委会', kind: 'residents_committee', townshipCode: '371082102000' },
  { code: '371082102203', name: '西霞口村委会', kind: 'village_committee', townshipCode: '371082102000' },
  { code: '371082102204', name: '马道村委会', kind: 'village_committee', townshipCode: '371082102000' },
  { code: '371082110001', name: '上庄社区居委会', kind: 'residents_committee', townshipCode: '371082110000' },
  { code: '371082110205', name: '北山村委会', kind: 'village_committee', townshipCode: '371082110000' },
  { code: '371082110206', name: '河口村委会', kind: 'village_committee', townshipCode: '371082110000' },
];
