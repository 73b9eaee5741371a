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
