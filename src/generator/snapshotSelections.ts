import { fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { FeedContext } from './feedRecords.ts';
import type { PersonAttributes } from './attributeDraft.ts';
import type { Random } from './random.ts';
import type { DepartmentRows } from './rowSpec.ts';

export interface Selection {
  /** Whether the department knows the person (and has something to say). */
  includes: (a: PersonAttributes, index: number, rng: Random) => boolean;
  /** The row's dates, ISO. */
  dates: (
    a: PersonAttributes,
    index: number,
    rng: Random,
  ) => { observedAt: string; validFrom?: string; validTo?: string };
}

/**
 * The departments that report a snapshot — one row per person they know, as their registers
 * are exported (population, certificates, students, property, vehicles, businesses, veterans,
 * prisoners, the tekun roster) — who each knows and when it observed them. A department added
 * later without an entry here reports every living person on the reference date.
 */
export function snapshotSelections(context: FeedContext): Record<string, Selection> {
  const { population, referenceDay, attributes } = context;
  const alive = (i: number): boolean => population.persons[i]?.deathDate === null;
  const age = (i: number): number =>
    Math.floor((referenceDay - toDayNumber(population.persons[i]?.birthDate ?? '1970-01-01')) / 365.2425);
  const recent = (rng: Random, maxDays: number): string => fromDayNumber(referenceDay - rng.int(0, maxDays));
  const day = (iso: string, plusDays: number): string => fromDayNumber(toDayNumber(iso) + plusDays);
  const everyone: Selection = {
    includes: (_, i) => alive(i),
    dates: (_, __, rng) => ({ observedAt: recent(rng, 30) }),
  };
  return {
    public_security: {
      includes: () => true,
      dates: (_, i, rng) => {
        const deathDate = population.persons[i]?.deathDate;
        return {
          observedAt: deathDate
            ? fromDayNumber(Math.min(referenceDay, toDayNumber(deathDate) + rng.int(7, 120)))
            : recent(rng, 720),
        };
      },
    },
    disabled_federation: {
      includes: (a) => a.disability !== null,
      dates: (a) => {
        const issued = a.disability?.certifiedOn ?? fromDayNumber(referenceDay);
        return { observedAt: issued, validTo: day(issued, 3652) };
      },
    },
    civil_affairs: {
      includes: (a, i) => alive(i) && a.tekun !== null,
      dates: (a, _, rng) => ({ observedAt: recent(rng, 31), validFrom: a.tekunSince ?? undefined }),
    },
    education: {
      includes: (a, i) => alive(i) && a.studentStage !== null,
      dates: (_, i, rng) => {
        const year = Number(fromDayNumber(referenceDay).slice(0, 4));
        const entered = Math.max(
          year - rng.int(0, 2),
          Number(population.persons[i]?.birthDate.slice(0, 4)) + 3,
        );
        return { observedAt: recent(rng, 60), validFrom: `${entered}-09-01` };
      },
    },
    housing: {
      includes: (_, i) => {
        const h = context.householdOf[i] ?? -1;
        return (
          alive(i) && context.relationships[i] === '02' && (attributes.households[h]?.housingUnits ?? 0) > 0
        );
      },
      dates: (_, i, rng) => ({
        observedAt: recent(rng, 15),
        validFrom: fromDayNumber(
          Math.max(
            referenceDay - rng.int(100, 9000),
            toDayNumber(population.persons[i]?.birthDate ?? '') + 6600,
          ),
        ),
      }),
    },
    vehicles: { includes: (a, i) => alive(i) && a.vehicleCount > 0, dates: everyone.dates },
    market_regulation: {
      // Owners, and some self-employed whose business has since closed (注销).
      includes: (a, i, rng) =>
        alive(i) && (a.businessOwner || (a.employment === 'self_employed' && rng.chance(0.08))),
      dates: (_, __, rng) => ({ observedAt: recent(rng, 400), validFrom: recent(rng, 5000) }),
    },
    veterans: {
      includes: (a) => a.veteran,
      dates: (_, i, rng) => ({
        observedAt: recent(rng, 700),
        validFrom: fromDayNumber(toDayNumber(population.persons[i]?.birthDate ?? '') + rng.int(7300, 9500)),
      }),
    },
    justice: {
      // Serving a sentence, or released in the last years (still on the department's list).
      includes: (a, i, rng) =>
        alive(i) && (a.inPrison || (age(i) >= 20 && age(i) <= 65 && rng.chance(0.0015))),
      dates: (_, __, rng) => ({ observedAt: recent(rng, 31), validFrom: recent(rng, 2500) }),
    },
    default: everyone,
  };
}

/** A department that reports one row per person it knows, as a row list. */
export function snapshotRows(selection: Selection): DepartmentRows {
  return {
    rows: (a, i, rng) => {
      if (!selection.includes(a, i, rng)) return [];
      const { observedAt, validFrom, validTo } = selection.dates(a, i, rng);
      return [{ observedAt, validFrom: validFrom ?? null, validTo: validTo ?? null }];
    },
  };
}
