import { DAYS_PER_YEAR } from './dayNumbers.ts';
import type { PopulationDraft } from './draft.ts';
import type { Random } from './random.ts';
import { WeightedTable } from './weightedTable.ts';

/** Mobile number segments of the three carriers and their rough market shares. */
const carriers: readonly { share: number; prefixes: string }[] = [
  {
    share: 0.6,
    prefixes: '134 135 136 137 138 139 147 150 151 152 157 158 159 178 182 183 184 187 188 195 198',
  },
  { share: 0.25, prefixes: '130 131 132 145 155 156 166 175 176 185 186 196' },
  { share: 0.15, prefixes: '133 149 153 173 177 180 181 189 190 191 193 199' },
];

const prefixTable = new WeightedTable(
  carriers.flatMap(({ share, prefixes }) => {
    const list = prefixes.split(' ');
    return list.map((prefix) => [Number(prefix), share / list.length] as const);
  }),
);

/** Who has a phone number on record: not small children, not every very old person. */
function phoneShare(age: number): number {
  if (age < 12) return 0;
  if (age < 16) return 0.45;
  if (age < 18) return 0.85;
  if (age < 75) return 0.97;
  if (age < 85) return 0.85;
  return 0.6;
}

/** Stage 6 — mobile phone numbers, 11 digits, unique across the population. */
export function assignPhones(draft: PopulationDraft, rng: Random): void {
  // Numbers in use per three-digit segment: sets of eight-digit small integers stay fast at
  // 700,000 entries, unlike one set of strings or of eleven-digit heap numbers.
  const used = new Map<number, Set<number>>();
  for (const person of draft.persons) {
    const age = (draft.referenceDay - person.birthDay) / DAYS_PER_YEAR;
    if (!rng.chance(phoneShare(age))) continue;
    let prefix: number;
    let subscriber: number;
    let inSegment: Set<number> | undefined;
    do {
      prefix = prefixTable.draw(rng);
      subscriber = rng.int(0, 99_999_999);
      inSegment = used.get(prefix);
      if (inSegment === undefined) {
        inSegment = new Set();
        used.set(prefix, inSegment);
      }
    } while (inSegment.has(subscriber));
    inSegment.add(subscriber);
    const phone = String(prefix) + String(subscriber).padStart(8, '0');
    person.phone = phone;
  }
}
