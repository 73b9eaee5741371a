import type { Label, VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type {
  AssistanceField,
  FeedColumn,
  HukouField,
  KeyRole,
  PersonField,
  RowRole,
} from './feedDefinition.ts';

const KEY_MEANINGS: Record<KeyRole, Label> = {
  idNumber: { zh: '公民身份号码（用于匹配人员）', en: 'ID number (to find the person)' },
  name: { zh: '姓名', en: 'Name' },
  birthDate: { zh: '出生日期', en: 'Date of birth' },
  hukouNumber: { zh: '户号', en: 'Hukou number' },
};
const ROLE_MEANINGS: Record<RowRole, Label> = {
  observedAt: { zh: '部门登记或统计该数据的日期', en: 'Date the department recorded it' },
  validFrom: { zh: '有效期起始日期', en: 'Valid from' },
  validTo: { zh: '有效期截止日期', en: 'Valid until' },
  documentNumber: {
    zh: '部门单据编号（如结算单号、业务流水号），区分同一人的不同记录',
    en: "The department's record number (settlement or transaction number), telling one person's records apart",
  },
};
const PERSON_MEANINGS: Record<PersonField, Label> = {
  sex: { zh: '性别', en: 'Sex' },
  deathDate: { zh: '死亡日期（死亡注销）', en: 'Date of death' },
  residenceAreaCode: { zh: '居住地行政区划代码', en: 'Area of usual residence' },
  hukouAreaCode: { zh: '户籍地行政区划代码', en: 'Area of hukou registration' },
  phone: { zh: '联系电话', en: 'Phone number' },
};
const HUKOU_MEANINGS: Record<HukouField, Label> = {
  relationship: {
    zh: '与户主关系（GB/T 4761-2008）',
    en: 'Relationship to the head of the hukou household (GB/T 4761-2008)',
  },
};

const ASSISTANCE_MEANINGS: Record<AssistanceField, Label> = {
  caseNumber: { zh: '救助案件编号（救助证编号）', en: 'Assistance case number' },
  assistanceType: {
    zh: '救助类别（低保、特困、低保边缘）',
    en: 'Assistance type (dibao, tekun, near-dibao)',
  },
  applicantIdNumber: { zh: '申请人公民身份号码', en: 'ID number of the applicant' },
  relation: { zh: '与申请人关系', en: 'Relation to the applicant' },
  included: {
    zh: '是否计入共同生活家庭成员（共同生活/不计入）',
    en: 'Counted as a household member (living together / not counted)',
  },
  areaCode: { zh: '家庭所在村（社区）行政区划代码', en: 'Area (village) of the household' },
};

/**
 * What a feed column stands for, in both languages: the one list of these words, shown on the
 * feeds page and in the Excel template's instructions.
 */
export function columnMeaning(column: FeedColumn, catalogue: VariableCatalogue): Label {
  switch (column.kind) {
    case 'key':
      return KEY_MEANINGS[column.key];
    case 'role':
      return ROLE_MEANINGS[column.role];
    case 'person':
      return PERSON_MEANINGS[column.person];
    case 'hukou':
      return HUKOU_MEANINGS[column.hukou];
    case 'assistance':
      return ASSISTANCE_MEANINGS[column.assistance];
    case 'variable':
      return catalogue.get(column.variable)?.label ?? { zh: column.variable, en: column.variable };
  }
}
