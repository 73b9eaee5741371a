/** The shapes the API answers with (see /docs for the full OpenAPI document). */
export type DataScope = 'all' | 'area_and_below' | 'area_only' | 'own';

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  organisationId: string;
  areaCode: string;
  permissions: string[];
  permissionLabels: string[];
  dataScope: DataScope;
  roles: string[];
  mustChangePassword: boolean;
  passwordExpired: boolean;
  totpSetupRequired: boolean;
  /** The platform's name as the system administrator set it. */
  systemName: string;
}

export interface Area {
  code: string;
  name: string;
  level: string;
  levelLabel: string;
  kind: string | null;
  kindLabel: string | null;
  parentCode: string | null;
}

export interface Person {
  id: string;
  idNumberMasked: string;
  name: string;
  sex: 'male' | 'female';
  birthDate: string;
  age: number;
  deathDate: string | null;
  hukouAreaCode: string | null;
  residenceAreaCode: string | null;
  livingAwayFromHukou: boolean;
  phoneMasked: string | null;
}

export interface Page<T> {
  items: T[];
  total?: number;
}

/** A zh/en pair from the catalogues (variable, tag, department labels). */
export interface Label {
  zh: string;
  en: string;
}

export type TagState = 'yes' | 'no' | 'unknown';

/** One input behind a tag: a member's value with its department, date and feed line, or "no record". */
export interface PortraitInput {
  variable: string;
  label: Label;
  personId: string | null;
  personName: string | null;
  value: number | boolean | string | null;
  display: Label;
  sourceLabel: string | null;
  observedAt: string | null;
  basis: 'authority' | 'latest' | 'registry' | null;
  feed: { importId: string; feedName: string; fileName: string; line: number | null } | null;
}

export interface PortraitTag {
  code: string;
  label: Label;
  category: string;
  categoryLabel: Label;
  description: string | null;
  expr: string;
  state: TagState;
  inputs: PortraitInput[];
}

export interface PortraitValue {
  name: string;
  label: Label;
  unit: string | null;
  value: number | boolean | string | null;
  display: Label;
}

export interface PortraitEvent {
  date: string;
  kind: 'birth' | 'death' | 'joined' | 'fact';
  personId: string;
  personName: string;
  title: Label;
  sourceLabel: string | null;
}

export interface ShortTag {
  code: string;
  label: Label;
  state: TagState;
}

export interface PersonPortrait {
  asOf: string;
  person: Person;
  household: {
    id: string;
    hukouNumber: string;
    areaCode: string;
    relationshipLabel: string;
    tags: ShortTag[];
  } | null;
  values: PortraitValue[];
  tags: PortraitTag[];
  facts: {
    variable: string;
    label: Label;
    display: Label;
    sourceLabel: string;
    observedAt: string;
    basis: 'authority' | 'latest';
    competing: { display: Label; sourceLabel: string; observedAt: string }[];
    feed: { feedName: string; fileName: string; line: number | null } | null;
  }[];
  timeline: PortraitEvent[];
}

export interface HouseholdPortrait {
  asOf: string;
  household: {
    id: string;
    hukouNumber: string;
    areaCode: string;
    /** Non-local residents: their hukou area in another county (areaCode is where they live). */
    hukouAreaElsewhere: string | null;
    address: string | null;
  };
  values: PortraitValue[];
  tags: PortraitTag[];
  members: { person: Person; relationshipLabel: string; values: PortraitValue[]; tags: ShortTag[] }[];
  timeline: PortraitEvent[];
}

/** The welfare pool (issue 5). */
export type PolicyCategory =
  'assistance_policy' | 'aid_project' | 'livelihood_service' | 'employment_incentive';

export interface PolicySummary {
  id: string;
  name: Label;
  department: string;
  departmentLabel: Label;
  category: PolicyCategory;
  categoryLabel: Label;
  entity: 'household' | 'person';
  persons: 'living' | 'deceased';
  legalRef: string;
  summary: Label | null;
  regions: string[];
  criteria: number;
  pays: 'monthly' | 'yearly' | 'once' | null;
  cases: number;
}

export interface PolicyList {
  pool: {
    version: string;
    loadedAt: string;
    policies: number;
    lastFailure: { at: string; message: string } | null;
  };
  categories: Record<PolicyCategory, Label>;
  counts: { category: Record<string, number>; department: Record<string, number> };
  items: PolicySummary[];
}

export interface ParameterValue {
  region: string;
  from: string;
  value: number | boolean | string;
  ref: string;
  checked: string;
  confirmed: boolean;
}

export interface Parameter {
  name: string;
  label: Label;
  description: string | null;
  unit: string;
  type: string;
  file: string;
  line: number;
  values: ParameterValue[];
}

export interface PolicyDetail extends Omit<PolicySummary, 'criteria' | 'cases'> {
  file: string;
  criteria: {
    name: string;
    label: Label;
    test: string;
    fail: { zh: string; en: string | null };
    line: number;
  }[];
  exceptions: {
    name: string;
    label: Label;
    priority: number;
    when: string;
    outcome: 'eligible' | 'ineligible';
  }[];
  amount: { period: 'monthly' | 'yearly' | 'once'; formula: string; explain: Label } | null;
  enrolment: string | null;
  parameters: Parameter[];
  cases: {
    name: string;
    region: string;
    date: string;
    h: Record<string, unknown>;
    members: Record<string, unknown>[];
    p: Record<string, unknown> | null;
    expect: 'eligible' | 'ineligible' | 'unknown';
    amount: number | null;
    line: number;
  }[];
}

export type CriterionState = 'yes' | 'no' | 'unknown';

export interface InputUsed {
  ref: string;
  label: Label;
  unit: string | null;
  value: unknown;
  source: { source: string; observedAt: string } | null;
}

export interface ParameterUsed {
  name: string;
  label: Label;
  unit: string;
  value: unknown;
  region: string | null;
  from: string | null;
  ref: string | null;
  confirmed: boolean | null;
}

export interface CriterionResult {
  name: string;
  label: Label;
  state: CriterionState;
  message: Label | null;
  /** Refs into the match's `inputs` (`p.x` under the result's subject). */
  inputs: string[];
  /** Names into the match's `parameters`. */
  parameters: string[];
  distance: { left: number; right: number; difference: number; operator: string } | null;
  missing: string[];
}

export interface PolicyResult {
  policyId: string;
  subject: string;
  outcome: 'eligible' | 'ineligible' | 'unknown' | 'error';
  error: string | null;
  receiving: boolean | null;
  gap: boolean;
  criteria: CriterionResult[];
  exception: { name: string; label: Label; outcome: string } | null;
  amount: { value: number; period: 'monthly' | 'yearly' | 'once'; explain: Label } | null;
  missing: { ref: string; label: Label; criteria: string[] }[];
}

export interface PolicyMatch {
  poolVersion: string;
  asOf: string;
  region: string;
  household: { id?: string; hukouNumber?: string; areaCode?: string };
  members: { id: string; name: string | null; deceased?: boolean }[];
  tally: { total: number; gaps: number; eligible: number; unknown: number; ineligible: number };
  results: PolicyResult[];
  inputs: { household: Record<string, InputUsed>; persons: Record<string, Record<string, InputUsed>> };
  parameters: Record<string, ParameterUsed>;
}
