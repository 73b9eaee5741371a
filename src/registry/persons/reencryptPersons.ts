import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import type { Database } from '../../db/schema.ts';
import { listPersonsNotUnderKey, replacePersonCiphertexts } from './personRepository.ts';

/**
 * Moves every person's ID and phone ciphertexts to the cipher's current key, in small
 * transactions while the system keeps running. Rows changed meanwhile are skipped by the
 * compare-and-set and picked up by the next pass; passes repeat until none is left.
 */
export async function reencryptPersons(
  db: Kysely<Database>,
  cipher: FieldCipher,
  batchSize = 500,
  maxPasses = 100,
): Promise<{ reencrypted: number; passes: number }> {
  const target = cipher.currentKeyId;
  let reencrypted = 0;
  for (let pass = 1; pass <= maxPasses; pass++) {
    const rows = await listPersonsNotUnderKey(db, target, batchSize);
    if (rows.length === 0) return { reencrypted, passes: pass - 1 };
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const after = {
          id_number_enc:
            cipher.keyIdOf(row.id_number_enc) === target
              ? row.id_number_enc
              : cipher.encrypt(cipher.decrypt(row.id_number_enc)),
          phone_enc:
            row.phone_enc === null || cipher.keyIdOf(row.phone_enc) === target
              ? row.phone_enc
              : cipher.encrypt(cipher.decrypt(row.phone_enc)),
        };
        if (await replacePersonCiphertexts(trx, row.id, row, after)) reencrypted++;
      }
    });
  }
  throw new Error(
    `re-encryption did not finish in ${maxPasses} passes: values keep arriving under an old key`,
  );
}
