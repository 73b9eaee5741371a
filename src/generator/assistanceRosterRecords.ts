import path from 'node:path';
import { relationFromHukouCode } from '../registry/households/assistanceMembership.ts';
import { fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { FeedContext, SourceRecord, TrueValue } from './feedRecords.ts';
import { personIndexOf } from './attributeDraft.ts';
import type { Random } from './random.ts';
import { ChunkedFile, utf8 } from './rowSinks.ts';

/** The random stream of the roster's cases (closures, departures, dates). */
export const ROSTER_STREAM = 'feeds.assistanceRoster';

/** Shares of cases that have ended by the reference date, and of open cases a member has left. */
const CLOSED_SHARE = 0.08;
const MEMBER_LEFT_SHARE = 0.15;

export interface RosterTruthMember {
  personKey: string;
  idNumber: string;
  relation: string;
  included: boolean;
  validFrom: string;
  validTo: string | null;
}

/** One civil-affairs case as the bureau holds it: the ground truth of the roster feed. */
export interface RosterTruthCase {
  caseNumber: string;
  assistanceType: 'dibao' | 'tekun' | 'nearDibao';
  areaCode: string;
  applicantKey: string;
  establishedOn: string;
  closedOn: string | null;
  observedAt: string;
  members: RosterTruthMember[];
}

const TYPE_PREFIX = { dibao: 'DB', tekun: 'TK', nearDibao: 'BY' } as const;

/**
 * The county's assistance cases from the enrolments the attributes hold: a dibao or
 * near-dibao household's living members under its head as applicant — counted (共同生活) or
 * listed as not counted (in prison, an adult child who lives independently, relatives owing no
 * support) — and each tekun person alone (单人保). Some cases have ended; in some open ones a
 * member has left. Deterministic for a given context and stream.
 */
export function rosterCases(context: FeedContext, rng: Random): RosterTruthCase[] {
  const { population, attributes, referenceDay } = context;
  const reference = fromDayNumber(referenceDay);
  const ageOn = (birthDate: string) => Math.floor((referenceDay - toDayNumber(birthDate)) / 365.2425);
  const alive = (i: number) => population.persons[i]?.deathDate === null;
  const cases: RosterTruthCase[] = [];
  const serial = { dibao: 0, tekun: 0, nearDibao: 0 };
  const caseNumber = (type: keyof typeof serial) =>
    `${TYPE_PREFIX[type]}${String(++serial[type]).padStart(6, '0')}`;
  const close = (since: string): { closedOn: string | null } => {
    if (!rng.chance(CLOSED_SHARE)) return { closedOn: null };
    const start = toDayNumber(since);
    if (referenceDay - start < 60) return { closedOn: null };
    return { closedOn: fromDayNumber(rng.int(start + 30, referenceDay - 1)) };
  };

  population.hukouHouseholds.forEach((household, h) => {
    const ha = attributes.households[h];
    if (!ha || (!ha.dibao && !ha.nearDibao)) return;
    const head = personIndexOf(household.headKey);
    const headPerson = population.persons[head];
    // Members who live outside the county do not live with the applicant and are not on the
    // county's roster (nor in its population register); a head living away applies elsewhere.
    const county = household.areaCode.slice(0, 6);
    const livesHere = (i: number) => population.persons[i]?.residenceAreaCode.startsWith(county) === true;
    if (!headPerson || !alive(head) || !livesHere(head) || attributes.persons[head]?.inPrison) return;
    const type = ha.dibao ? 'dibao' : 'nearDibao';
    const since = ha.dibaoSince ?? fromDayNumber(referenceDay - rng.int(30, 1500));
    const { closedOn } = close(since);
    const members: RosterTruthMember[] = [];
    for (const member of household.members) {
      const i = personIndexOf(member.personKey);
      const person = population.persons[i];
      const a = attributes.persons[i];
      if (!person || !a || !alive(i) || !livesHere(i)) continue;
      const relation = relationFromHukouCode(member.relationship);
      const adult = ageOn(person.birthDate) >= 18;
      const independentChild =
        relation === 'child' &&
        adult &&
        a.studentStage === null &&
        a.disability?.grade !== '1' &&
        a.disability?.grade !== '2';
      const included =
        !a.inPrison && !independentChild && relation !== 'other_relative' && relation !== 'non_relative';
      // Born after the case began: a member from birth.
      const from = person.birthDate > since ? person.birthDate : since;
      members.push({
        personKey: person.key,
        idNumber: person.idNumber,
        relation,
        included,
        validFrom: from,
        validTo: closedOn,
      });
    }
    if (closedOn === null) {
      const leavers = members.filter((m) => m.relation !== 'applicant' && m.validFrom < reference);
      if (leavers.length > 0 && rng.chance(MEMBER_LEFT_SHARE)) {
        const leaver = rng.pick(leavers);
        leaver.validTo = fromDayNumber(rng.int(toDayNumber(leaver.validFrom) + 1, referenceDay));
      }
    }
    cases.push({
      caseNumber: caseNumber(type),
      assistanceType: type,
      areaCode: household.areaCode,
      applicantKey: headPerson.key,
      establishedOn: members.reduce((min, m) => (m.validFrom < min ? m.validFrom : min), since),
      closedOn,
      observedAt: fromDayNumber(referenceDay - rng.int(0, 20)),
      members,
    });
  });

  population.persons.forEach((person, i) => {
    const a = attributes.persons[i];
    if (!a?.tekun || !alive(i) || !a.tekunSince) return;
    const household = population.hukouHouseholds[context.householdOf[i] ?? -1];
    if (!household || !person.residenceAreaCode.startsWith(household.areaCode.slice(0, 6))) return;
    const { closedOn } = close(a.tekunSince);
    cases.push({
      caseNumber: caseNumber('tekun'),
      assistanceType: 'tekun',
      areaCode: household.areaCode,
      applicantKey: person.key,
      establishedOn: a.tekunSince,
      closedOn,
      observedAt: fromDayNumber(referenceDay - rng.int(0, 20)),
      members: [
        {
          personKey: person.key,
          idNumber: person.idNumber,
          relation: 'applicant',
          included: true,
          validFrom: a.tekunSince,
          validTo: closedOn,
        },
      ],
    });
  });
  return cases;
}

/** The roster's rows, one per member, applicant first, in case order. */
export function* rosterRecords(cases: RosterTruthCase[], context: FeedContext): Generator<SourceRecord> {
  for (const c of cases) {
    const applicant = context.population.persons[personIndexOf(c.applicantKey)];
    for (const m of c.members) {
      const index = personIndexOf(m.personKey);
      const values = new Map<string, TrueValue>([
        ['assistance:caseNumber', c.caseNumber],
        ['assistance:assistanceType', c.assistanceType],
        ['assistance:applicantIdNumber', applicant?.idNumber ?? null],
        ['key:idNumber', m.idNumber],
        ['key:name', context.population.persons[index]?.name ?? null],
        ['assistance:relation', m.relation],
        ['assistance:included', m.included],
        ['role:validFrom', m.validFrom],
        ['role:validTo', m.validTo],
        ['assistance:areaCode', c.areaCode],
        ['role:observedAt', c.observedAt],
      ]);
      yield { personIndex: index, value: (target) => values.get(target) ?? null };
    }
  }
}

/** Writes the cases as ground truth, `truth/assistance_households.jsonl`. */
export async function writeRosterTruth(truthDir: string, cases: RosterTruthCase[]): Promise<void> {
  const file = new ChunkedFile(path.join(truthDir, 'assistance_households.jsonl'), utf8);
  for (const c of cases) await file.push(JSON.stringify(c) + '\n');
  await file.close();
}
