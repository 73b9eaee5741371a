import { ageOn, todayInChina } from '../../core/isoDate.ts';
import type { PersonRow } from '../../db/schema.ts';
import type { PersonMasker } from './personMasking.ts';

/** A person as the API shows it: ID and phone numbers masked (unmasking is permissioned and audited). */
export interface PersonDto {
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

/** Sex as recorded (GB/T 2261.1 order: male, female), with labels. */
export const sexLabels = {
  male: { zh: '男', en: 'Male' },
  female: { zh: '女', en: 'Female' },
} as const;

/** Where a person lives: an area held, or another county's code when outside every area held. */
export function residenceOf(
  row: Pick<PersonRow, 'residence_area_code' | 'residence_elsewhere'>,
): string | null {
  return row.residence_area_code ?? row.residence_elsewhere ?? null;
}

export function toPersonDto(row: PersonRow, mask: PersonMasker, today: string = todayInChina()): PersonDto {
  const residence = residenceOf(row);
  return {
    id: row.id,
    idNumberMasked: mask.idNumber(row.id_number_enc),
    name: row.name,
    sex: row.sex,
    birthDate: row.birth_date,
    age: ageOn(row.birth_date, row.death_date ?? today),
    deathDate: row.death_date,
    hukouAreaCode: row.hukou_area_code,
    residenceAreaCode: residence,
    livingAwayFromHukou:
      row.hukou_area_code !== null && residence !== null && row.hukou_area_code !== residence,
    phoneMasked: mask.phone(row.phone_enc),
  };
}

const nullable = (type: string) => ({ type: [type, 'null'] });

export const personSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    idNumberMasked: { type: 'string', description: '脱敏身份证号' },
    name: { type: 'string' },
    sex: { type: 'string', enum: ['male', 'female'] },
    birthDate: { type: 'string' },
    age: { type: 'integer' },
    deathDate: nullable('string'),
    hukouAreaCode: nullable('string'),
    residenceAreaCode: nullable('string'),
    livingAwayFromHukou: { type: 'boolean', description: '人户分离' },
    phoneMasked: nullable('string'),
  },
} as const;
