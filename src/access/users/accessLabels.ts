import type { DataScope, OrganisationKind } from '../../db/schema.ts';

interface Label {
  zh: string;
  en: string;
}

/** Kinds of organisation, with labels: the only list of them (routes and dictionaries read it). */
export const organisationKindLabels: Record<OrganisationKind, Label> = {
  bureau: { zh: '民政局', en: 'Civil-affairs bureau' },
  township_office: { zh: '乡镇人民政府（街道办事处）', en: 'Township government or subdistrict office' },
  village_committee: { zh: '村（居）民委员会', en: 'Village or residents’ committee' },
  department: { zh: '协作部门', en: 'Partner government department' },
  partner: { zh: '社会组织及其他合作单位', en: 'Social organisation or other partner' },
};

/** A role's data scope, with labels (see access/scope/dataScope.ts for what each means). */
export const dataScopeLabels: Record<DataScope, Label> = {
  all: { zh: '全部数据', en: 'All data' },
  area_and_below: { zh: '本区划及以下', en: 'Own area and below' },
  area_only: { zh: '仅本区划', en: 'Own area only' },
  own: { zh: '仅本人经办', en: 'Only what the user handles' },
};

export const organisationKinds = Object.keys(organisationKindLabels) as OrganisationKind[];
export const dataScopes = Object.keys(dataScopeLabels) as DataScope[];
