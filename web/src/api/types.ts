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
  household: { id: string; hukouNumber: string; areaCode: string; address: string | null };
  values: PortraitValue[];
  tags: PortraitTag[];
  members: { person: Person; relationshipLabel: string; values: PortraitValue[]; tags: ShortTag[] }[];
  timeline: PortraitEvent[];
}
