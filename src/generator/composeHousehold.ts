import type { HouseholdType, Setting } from './draft.ts';
import type { Sex } from './names.ts';
import type { Random } from './random.ts';

/**
 * One member of a household being composed. Ages are fractional years on the reference date
 * so that gaps (spouses, parents and children) are exact before they become birth dates.
 * Links are indices into the same household's member list.
 */
export interface MemberPlan {
  sex: Sex;
  age: number;
  relationship: string;
  generation: number;
  father: number | null;
  mother: number | null;
  spouse: number | null;
  sameSurnameAs: number | null;
  marriedIn: boolean;
  nonRelative: boolean;
}

/**
 * Household types by setting, weighted so that the mean size is about 2.6 with the 2020
 * census shape for a Shandong county: about one household in five is a single person (mostly
 * elderly), a third are couples, then nuclear families and, in villages especially, stem
 * families of three generations. Migrant households (hukou elsewhere) are working-age.
 */
// prettier-ignore
export const householdTypeWeights: Readonly<Record<Setting, readonly (readonly [HouseholdType, number])[]>> = {
  rural: [
    ['single_elderly', 14], ['single_adult', 6], ['elderly_couple', 22], ['couple', 9], ['nuclear', 23],
    ['three_generation_down', 11], ['three_generation_up', 5], ['skip_generation', 3], ['single_parent', 3],
    ['siblings', 1.5],
  ],
  urban: [
    ['single_elderly', 9], ['single_adult', 9], ['elderly_couple', 15], ['couple', 11], ['nuclear', 36],
    ['three_generation_down', 7], ['three_generation_up', 5], ['skip_generation', 1.5], ['single_parent', 4.5],
    ['siblings', 1],
  ],
  migrant: [
    ['single_adult', 28], ['couple', 22], ['nuclear', 40], ['single_parent', 4], ['siblings', 3],
    ['three_generation_up', 3],
  ],
};

type Counts = readonly (readonly [count: number, weight: number])[];

/**
 * How many children (or grandchildren) live in a household. Jiaodong enforced the one-child
 * policy strictly, with a second child common in villages (allowed when the first was a
 * girl); the 2016 and 2021 relaxations show in the youngest cohorts only.
 */
// prettier-ignore
const childCounts = {
  nuclear: {
    urban: [[1, 72], [2, 27], [3, 1]],
    rural: [[1, 58], [2, 38], [3, 4]],
    migrant: [[1, 50], [2, 45], [3, 5]],
  },
  grandchildrenRural: [[0, 10], [1, 55], [2, 33], [3, 2]],
  grandchildrenUrban: [[0, 12], [1, 60], [2, 28]],
  headWithParents: [[0, 15], [1, 50], [2, 32], [3, 3]],
  leftBehind: [[1, 70], [2, 30]],
  singleParent: [[1, 70], [2, 30]],
} satisfies Record<string, Counts | Record<Setting, Counts>>;

/**
 * An age of at least `minimum`: one below it is put within the year above it, by the
 * deficit's fraction, without an extra random draw (later draws that depend on the age, such
 * as children's, can still differ from before for that household). A plain clamp
 * gave every such person the same birth date — 13 persons on one day in 5,000 households,
 * and at 360,000 households more than the 499 ID sequences a day and sex has (GB 11643).
 */
function atLeast(minimum: number, age: number): number {
  return age < minimum ? minimum + ((minimum - age) % 1) : age;
}

/** Oldest age the generator gives anyone: a handful of centenarians, as in any county. */
export const MAX_AGE = 102;
/** Share of households with a non-relative member (99), e.g. a cohabiting partner or carer. */
const NON_RELATIVE_SHARE = 0.012;
/** Share of households with a nephew or niece (93–96) registered in them. */
const OTHER_RELATIVE_SHARE = 0.01;

class Composer {
  readonly members: MemberPlan[] = [];
  /** Registers spouses as 夫/妻 (11/12) or, in some police stations' style, as 配偶 (10). */
  private readonly genericSpouseCode: boolean;

  constructor(
    readonly rng: Random,
    readonly setting: Setting,
    readonly referenceYear: number,
  ) {
    this.genericSpouseCode = rng.chance(0.1);
  }

  add(
    sex: Sex,
    age: number,
    relationship: string,
    generation: number,
    extra: Partial<MemberPlan> = {},
  ): number {
    this.members.push({
      sex,
      age: atLeast(0, age),
      relationship,
      generation,
      father: null,
      mother: null,
      spouse: null,
      sameSurnameAs: null,
      marriedIn: false,
      nonRelative: false,
      ...extra,
    });
    return this.members.length - 1;
  }

  member(index: number): MemberPlan {
    const member = this.members[index];
    if (!member) throw new RangeError(`no member ${index}`);
    return member;
  }

  marry(a: number, b: number): void {
    this.member(a).spouse = b;
    this.member(b).spouse = a;
  }

  /** The code of the head's spouse: 12 妻 for a male head, 11 夫 for a female one. */
  headSpouseCode(headSex: Sex): string {
    if (this.genericSpouseCode) return '10';
    return headSex === 'male' ? '12' : '11';
  }

  /** Husband's age minus wife's: men usually a couple of years older, rarely younger. */
  spouseGap(): number {
    return this.rng.normalBetween(2.2, 2.4, -3, 10);
  }

  /** A spouse's age for someone of the given sex and age, kept within legal marriage ages. */
  spouseAge(sex: Sex, age: number): number {
    const gap = this.spouseGap();
    const other = sex === 'male' ? age - gap : age + gap;
    const minimum = sex === 'male' ? 20 : 22; // the spouse is a woman (20) or a man (22)
    return Math.min(MAX_AGE, atLeast(minimum, other));
  }

  /**
   * Children of a mother aged motherAge (her real or, without her, an implied age): first
   * birth at 20–36, then a few years apart; births that would fall after the reference date
   * are not born yet and are dropped. Returns the indices, oldest first.
   */
  addChildren(
    count: number,
    motherAge: number,
    parents: { father: number | null; mother: number | null },
    generation: number,
    sexOf: () => Sex = () => (this.rng.chance(0.515) ? 'male' : 'female'),
  ): number[] {
    const children: number[] = [];
    if (count <= 0 || motherAge < 20) return children;
    let birthAge = this.rng.normalBetween(25.5, 3.2, 20, Math.min(36, motherAge));
    for (let i = 0; i < count; i++) {
      if (i > 0) birthAge += this.rng.normalBetween(4, 2.5, 1.2, 12);
      if (birthAge > Math.min(motherAge, 44)) break;
      children.push(this.add(sexOf(), motherAge - birthAge, '', generation, { ...parents }));
    }
    return children;
  }

  /**
   * Codes for the head's own children: 独生子/女 (21/31) for an only child of the one-child
   * era, otherwise 长子, 次子 … (22–26, then 29) and 长女, 次女 … (32–36, then 39).
   */
  codeHeadsChildren(children: readonly number[]): void {
    const sorted = [...children].sort((a, b) => this.member(b).age - this.member(a).age);
    if (sorted.length === 1) {
      const only = this.member(sorted[0] ?? -1);
      const oneChildEra = this.referenceYear - only.age >= 1980;
      const onlyChild = oneChildEra && this.rng.chance(0.6);
      only.relationship = only.sex === 'male' ? (onlyChild ? '21' : '20') : onlyChild ? '31' : '30';
      return;
    }
    let sons = 0;
    let daughters = 0;
    for (const index of sorted) {
      const child = this.member(index);
      if (child.sex === 'male') child.relationship = sons < 5 ? String(22 + sons++) : '29';
      else child.relationship = daughters < 5 ? String(32 + daughters++) : '39';
    }
  }

  /** Grandchildren: 41 孙子 / 42 孙女 through a son, 43 外孙子 / 44 外孙女 through a daughter. */
  codeGrandchildren(children: readonly number[], throughSon: boolean): void {
    for (const index of children) {
      const child = this.member(index);
      const male = child.sex === 'male';
      child.relationship = throughSon ? (male ? '41' : '42') : male ? '43' : '44';
    }
  }

  countFrom(weights: Counts): number {
    return this.rng.weighted(weights);
  }
}

type Builder = (c: Composer) => void;

const builders: Record<HouseholdType, Builder> = {
  single_elderly(c) {
    const female = c.rng.chance(0.62); // widows outnumber widowers
    const age = female ? c.rng.normalBetween(78, 8, 60, MAX_AGE) : c.rng.normalBetween(75, 7.5, 60, 99);
    c.add(female ? 'female' : 'male', age, '02', 0);
  },

  single_adult(c) {
    // Rural single households are often unmarried middle-aged men; migrants are young workers.
    const [maleShare, mean, sd, min] =
      c.setting === 'rural'
        ? [0.68, 47, 10, 22]
        : c.setting === 'urban'
          ? [0.52, 38, 11, 20]
          : [0.65, 34, 9, 18];
    c.add(c.rng.chance(maleShare) ? 'male' : 'female', c.rng.normalBetween(mean, sd, min, 59.9), '02', 0);
  },

  elderly_couple(c) {
    const husbandAge = c.rng.normalBetween(72, 7, 60, 99);
    const wifeAge = atLeast(55, husbandAge - c.spouseGap());
    addCouple(c, husbandAge, wifeAge, c.rng.chance(c.setting === 'rural' ? 0.85 : 0.78));
  },

  couple(c) {
    // Empty-nest middle-aged couples (children registered elsewhere) or young childless ones.
    const husbandAge =
      c.setting === 'migrant'
        ? c.rng.normalBetween(36, 9, 22, 60)
        : c.rng.chance(0.75)
          ? c.rng.normalBetween(56, 5, 42, 66)
          : c.rng.normalBetween(28, 3.5, 22, 38);
    const wifeAge = atLeast(20, husbandAge - c.spouseGap());
    addCouple(c, husbandAge, wifeAge, c.rng.chance(0.8));
  },

  nuclear(c) {
    const meanMotherAge = c.setting === 'rural' ? 46 : c.setting === 'urban' ? 42 : 34;
    const motherAge = c.rng.normalBetween(meanMotherAge, 8, 24, 58);
    const fatherAge = Math.min(MAX_AGE, atLeast(22, motherAge + c.spouseGap()));
    const { husband, wife } = addCouple(c, fatherAge, motherAge, c.rng.chance(0.85));
    const count = c.countFrom(childCounts.nuclear[c.setting]);
    c.codeHeadsChildren(c.addChildren(count, motherAge, { father: husband, mother: wife }, 1));
  },

  three_generation_down(c) {
    // Grandparents head the register; a married child, their spouse and grandchildren live with them.
    const grandmotherAge = c.rng.normalBetween(66, 7, 48, 92);
    const grandfatherAge = Math.min(MAX_AGE, grandmotherAge + c.spouseGap());
    const widowed = c.rng.chance(0.3);
    const keepGrandfather = !widowed || c.rng.chance(0.3);
    const keepGrandmother = !widowed || !keepGrandfather;
    let grandfather: number | null = null;
    let grandmother: number | null = null;
    if (keepGrandfather && keepGrandmother) {
      const couple = addCouple(c, grandfatherAge, grandmotherAge, c.rng.chance(0.9));
      grandfather = couple.husband;
      grandmother = couple.wife;
    } else if (keepGrandfather) grandfather = c.add('male', grandfatherAge, '02', 0);
    else grandmother = c.add('female', grandmotherAge, '02', 0);

    const throughSon = c.rng.chance(0.85); // a married daughter at home (上门女婿) is the exception
    const middleAge = grandmotherAge - c.rng.normalBetween(25, 3.5, 20, Math.min(38, grandmotherAge - 22));
    const middleSex: Sex = throughSon ? 'male' : 'female';
    const middle = c.add(middleSex, middleAge, '', 1, { father: grandfather, mother: grandmother });
    const headsChildren = [middle];
    if (c.rng.chance(0.12)) {
      // An unmarried younger sibling of the married child still at home.
      const youngerAge = middleAge - c.rng.uniform(2, 10);
      if (youngerAge >= 16) {
        const sex = c.rng.chance(0.55) ? 'male' : 'female';
        headsChildren.push(c.add(sex, youngerAge, '', 1, { father: grandfather, mother: grandmother }));
      }
    }
    c.codeHeadsChildren(headsChildren);
    const inLawSex: Sex = throughSon ? 'female' : 'male';
    const inLaw = c.add(inLawSex, c.spouseAge(middleSex, middleAge), throughSon ? '38' : '28', 1, {
      marriedIn: true,
    });
    c.marry(middle, inLaw);
    const [father, mother] = throughSon ? [middle, inLaw] : [inLaw, middle];
    const count = c.countFrom(
      c.setting === 'rural' ? childCounts.grandchildrenRural : childCounts.grandchildrenUrban,
    );
    c.codeGrandchildren(c.addChildren(count, c.member(mother).age, { father, mother }, 2), throughSon);
  },

  three_generation_up(c) {
    // A working-age head with spouse and children, and the head's (or spouse's) elderly parents.
    const headMale = c.rng.chance(0.85);
    const headSex: Sex = headMale ? 'male' : 'female';
    const headAge = c.rng.normalBetween(50, 7, 28, 62);
    const head = c.add(headSex, headAge, '02', 0);
    let spouse: number | null = null;
    if (c.rng.chance(0.9)) {
      spouse = c.add(
        headMale ? 'female' : 'male',
        c.spouseAge(headSex, headAge),
        c.headSpouseCode(headSex),
        0,
        {
          marriedIn: true,
        },
      );
      c.marry(head, spouse);
    }
    const wife = headMale ? spouse : head;
    const husband = headMale ? head : spouse;
    const motherAge = c.member(wife ?? head).age;
    const count = c.countFrom(childCounts.headWithParents);
    c.codeHeadsChildren(c.addChildren(count, motherAge, { father: husband, mother: wife }, 1));

    const ownParents = spouse === null || c.rng.chance(0.8);
    const child = ownParents || spouse === null ? head : spouse;
    const childAge = c.member(child).age;
    const elderMotherAge = Math.min(MAX_AGE, childAge + c.rng.normalBetween(26, 4, 20, 40));
    const elderFatherAge = elderMotherAge + c.spouseGap();
    const which = c.rng.weighted([
      ['both', 40],
      ['mother', 42],
      ['father', 18],
    ] as const);
    const withFather = which !== 'mother' && elderFatherAge <= MAX_AGE;
    const withMother = which !== 'father' || !withFather;
    // 51/52 for the head's own parents; 公公/婆婆 (53/54) or 岳父/岳母 (55/56) for the spouse's.
    const [fatherCode, motherCode] = ownParents ? ['51', '52'] : headMale ? ['55', '56'] : ['53', '54'];
    const elderFather = withFather
      ? c.add('male', elderFatherAge, fatherCode, -1, { marriedIn: !ownParents })
      : null;
    const elderMother = withMother
      ? c.add('female', elderMotherAge, motherCode, -1, { marriedIn: true })
      : null;
    if (elderFather !== null && elderMother !== null) c.marry(elderFather, elderMother);
    c.member(child).father = elderFather;
    c.member(child).mother = elderMother;
  },

  skip_generation(c) {
    // Grandparents with grandchildren whose parents' hukou has moved away (left-behind children).
    const grandmotherAge = c.rng.normalBetween(63, 6, 48, 85);
    const grandfatherAge = Math.min(MAX_AGE, grandmotherAge + c.spouseGap());
    const which = c.rng.weighted([
      ['both', 65],
      ['grandmother', 25],
      ['grandfather', 10],
    ] as const);
    let grandfather: number | null = null;
    if (which === 'both')
      grandfather = addCouple(c, grandfatherAge, grandmotherAge, c.rng.chance(0.85)).husband;
    else if (which === 'grandfather') grandfather = c.add('male', grandfatherAge, '02', 0);
    else c.add('female', grandmotherAge, '02', 0);

    const throughSon = c.rng.chance(0.75);
    const parentAge = grandmotherAge - c.rng.normalBetween(25, 3.5, 20, Math.min(38, grandmotherAge - 22));
    const absentMotherAge = throughSon ? atLeast(20, parentAge - c.spouseGap()) : parentAge;
    const count = c.countFrom(childCounts.leftBehind);
    const grandchildren = c.addChildren(count, absentMotherAge, { father: null, mother: null }, 2);
    grandchildren.forEach((index, i) => {
      const grandchild = c.member(index);
      grandchild.age = Math.min(grandchild.age, c.rng.uniform(0, 17.9)); // still minors
      // A son's children carry the grandfather's surname; siblings share one surname.
      const first = grandchildren[0] ?? index;
      grandchild.sameSurnameAs = throughSon && grandfather !== null ? grandfather : i > 0 ? first : null;
    });
    c.codeGrandchildren(grandchildren, throughSon);
  },

  single_parent(c) {
    const female = c.rng.chance(0.65);
    const parentAge = c.rng.normalBetween(42, 8, 26, 60);
    const parent = c.add(female ? 'female' : 'male', parentAge, '02', 0);
    const motherAge = female ? parentAge : atLeast(20, parentAge - c.spouseGap());
    const count = c.countFrom(childCounts.singleParent);
    const parents = female ? { father: null, mother: parent } : { father: parent, mother: null };
    c.codeHeadsChildren(c.addChildren(count, motherAge, parents, 1));
  },

  siblings(c) {
    // Unmarried adult siblings sharing their late parents' household.
    const headSex: Sex = c.rng.chance(0.7) ? 'male' : 'female';
    const headAge = c.rng.normalBetween(58, 12, 30, 90);
    const head = c.add(headSex, headAge, '02', 0);
    const others = c.rng.chance(0.15) ? 2 : 1;
    for (let i = 0; i < others; i++) {
      const age = Math.min(99, atLeast(25, headAge + (c.rng.chance(0.5) ? 1 : -1) * c.rng.uniform(1, 12)));
      const male = c.rng.chance(0.6);
      const older = age > headAge;
      const code = male ? (older ? '71' : '73') : older ? '75' : '77';
      c.add(male ? 'male' : 'female', age, code, 0, { sameSurnameAs: head });
    }
  },
};

/** Adds a married couple, the husband or the wife as head, and returns both indices. */
function addCouple(
  c: Composer,
  husbandAge: number,
  wifeAge: number,
  husbandIsHead: boolean,
): { husband: number; wife: number } {
  let husband: number;
  let wife: number;
  if (husbandIsHead) {
    husband = c.add('male', husbandAge, '02', 0);
    wife = c.add('female', wifeAge, c.headSpouseCode('male'), 0, { marriedIn: true });
  } else {
    wife = c.add('female', wifeAge, '02', 0);
    husband = c.add('male', husbandAge, c.headSpouseCode('female'), 0, { marriedIn: true });
  }
  c.marry(husband, wife);
  return { husband, wife };
}

/** Occasional members outside the nuclear lines: a nephew or niece, a non-relative. */
function addExtras(c: Composer): void {
  const head = c.member(0);
  if (c.rng.chance(OTHER_RELATIVE_SHARE) && head.age >= 30) {
    const age = c.rng.normalBetween(head.age - 28, 8, 3, head.age - 16);
    const male = c.rng.chance(0.5);
    // 侄子/侄女 are a brother's children and share the head's surname; 外甥/外甥女 a sister's.
    const brothers = c.rng.chance(0.6);
    const code = brothers ? (male ? '93' : '94') : male ? '95' : '96';
    c.add(male ? 'male' : 'female', age, code, 1, {
      sameSurnameAs: brothers && head.sex === 'male' ? 0 : null,
    });
  }
  if (c.rng.chance(NON_RELATIVE_SHARE)) {
    c.add(c.rng.chance(0.5) ? 'male' : 'female', c.rng.normalBetween(45, 14, 18, 75), '99', 0, {
      nonRelative: true,
    });
  }
}

/** The members of one household of the given type, head first. */
export function composeHousehold(
  rng: Random,
  type: HouseholdType,
  setting: Setting,
  referenceYear: number,
): MemberPlan[] {
  const composer = new Composer(rng, setting, referenceYear);
  builders[type](composer);
  addExtras(composer);
  return composer.members;
}
