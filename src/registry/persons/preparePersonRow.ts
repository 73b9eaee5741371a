import { randomUUID } from 'node:crypto';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import type { PersonTable } from '../../db/schema.ts';
import { maskResidentId } from '../residentId/index.ts';
import { maskPhone } from './phone.ts';

/** A person ready to store, after validation: the ID number already normalised to 18 digits. */
export interface PersonInput {
  id?: string;
  idNumber: string;
  name: string;
  sex: 'male' | 'female';
  birthDate: string;
  deathDate?: string | null;
  hukouAreaCode?: string | null;
  residenceAreaCode?: string | null;
  phone?: string | null;
}

/**
 * The stored form of a person: ID and phone numbers only as SM4 ciphertext, a blind index
 * for look-ups, and masked copies for lists, so no list ever needs to decrypt.
 */
export function preparePersonRow(input: PersonInput, cipher: FieldCipher, now: string): PersonTable {
  const phone = input.phone ?? null;
  return {
    id: input.id ?? randomUUID(),
    id_number_enc: cipher.encrypt(input.idNumber),
    id_number_hash: cipher.blindIndex(input.idNumber),
    id_number_masked: maskResidentId(input.idNumber),
    name: input.name,
    sex: input.sex,
    birth_date: input.birthDate,
    death_date: input.deathDate ?? null,
    hukou_area_code: input.hukouAreaCode ?? null,
    residence_area_code: input.residenceAreaCode ?? null,
    phone_enc: phone === null ? null : cipher.encrypt(phone),
    phone_masked: phone === null ? null : maskPhone(phone),
    created_at: now,
    updated_at: now,
  };
}
