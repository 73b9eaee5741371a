import { timeOrderedId } from '../../core/timeOrderedId.ts';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import type { PersonTable } from '../../db/schema.ts';

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
  /** A residence outside every held area (another county's code), kept apart from the area tree. */
  residenceElsewhere?: string | null;
  phone?: string | null;
}

/**
 * The stored form of a person: ID and phone numbers only as SM4 ciphertext, a blind index
 * for look-ups. Masks are made when a person is read, by the current rule (personMasking.ts).
 */
export function preparePersonRow(
  input: PersonInput,
  cipher: FieldCipher,
  now: string,
  /** The ID number's blind index when the caller has already computed it (a bulk import). */
  idNumberHash?: string,
): PersonTable {
  const phone = input.phone ?? null;
  return {
    id: input.id ?? timeOrderedId(),
    id_number_enc: cipher.encrypt(input.idNumber),
    id_number_hash: idNumberHash ?? cipher.blindIndex(input.idNumber),
    name: input.name,
    sex: input.sex,
    birth_date: input.birthDate,
    death_date: input.deathDate ?? null,
    hukou_area_code: input.hukouAreaCode ?? null,
    residence_area_code: input.residenceAreaCode ?? null,
    residence_elsewhere: input.residenceElsewhere ?? null,
    phone_enc: phone === null ? null : cipher.encrypt(phone),
    created_at: now,
    updated_at: now,
  };
}
