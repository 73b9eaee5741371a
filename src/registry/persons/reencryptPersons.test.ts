import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createFieldCipher, testFieldCipher } from '../../core/fieldCipher.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { makeResidentId } from '../residentId/index.ts';
import { countPersonsByKey, findPersonByIdHash } from './personRepository.ts';
import { createPerson } from './personService.ts';
import { reencryptPersons } from './reencryptPersons.ts';
import { systemScope } from '../../access/scope/dataScope.ts';

describeEachDatabase('field key rotation', (getDb) => {
  it('re-encrypts every ID and phone number under the new key, keeping look-ups working', async () => {
    const { db } = getDb();
    const k1 = testFieldCipher();
    const ids = [];
    for (let i = 1; i <= 7; i++) {
      const idNumber = makeResidentId('371082', `198${i}-01-0${i}`, i * 2);
      ids.push(idNumber);
      await createPerson(
        db,
        k1,
        {
          idNumber,
          name: `测试${i}`,
          phone: i % 2 === 0 ? `1380000000${i}` : null,
        },
        systemScope,
      );
    }
    const ring = { current: 'k2', sm4: { k1: '07'.repeat(16), k2: '0a'.repeat(16) }, index: '09'.repeat(32) };
    const k2 = createFieldCipher(ring);
    expect(await countPersonsByKey(db, ['k1', 'k2'])).toEqual({ k1: 7, k2: 0 });

    expect(await reencryptPersons(db, k2, 3)).toEqual({ reencrypted: 7, passes: 3 });
    expect(await countPersonsByKey(db, ['k1', 'k2'])).toEqual({ k1: 0, k2: 7 });
    expect(await reencryptPersons(db, k2)).toEqual({ reencrypted: 0, passes: 0 });

    for (const idNumber of ids) {
      const row = await findPersonByIdHash(db, k2.blindIndex(idNumber), systemScope);
      expect(row && k2.decrypt(row.id_number_enc)).toBe(idNumber);
    }
    // A raw look at the table shows no ID or phone number in clear.
    const raw = await sql<Record<string, unknown>>`select * from persons`.execute(db);
    const dump = JSON.stringify(raw.rows);
    for (const idNumber of ids) expect(dump).not.toContain(idNumber.slice(6, 14) + idNumber.slice(14));
    expect(dump).not.toMatch(/1380000000\d/);
  });
});
