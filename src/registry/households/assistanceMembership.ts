import { ageOn } from '../../core/isoDate.ts';

/**
 * Who belongs to an assistance household (共同生活家庭成员), per the Dibao Measures
 * (民发〔2021〕57号, art. 8 and 9). This is deliberately not the hukou booklet: an adult child
 * working elsewhere is not a member though registered in the booklet, while a spouse whose
 * hukou lies elsewhere is one.
 */

export type RelationToApplicant =
  | 'applicant'
  | 'spouse'
  | 'child'
  | 'parent'
  | 'grandchild'
  | 'grandparent'
  | 'sibling'
  | 'other_relative'
  | 'non_relative';

export interface MembershipCandidate {
  personId: string;
  relation: RelationToApplicant;
  birthDate: string;
  /** A person who died on or before the date belongs to no household. */
  deathDate: string | null;
  /** Lives with the applicant long-term; null when nobody has recorded it. */
  livesTogether: boolean | null;
  fullTimeStudent: boolean | null;
  studentStage: string | null;
  canLiveIndependently: boolean | null;
  disabilityGrade: string | null;
  /** The person's parents have died or cannot support them (fact `parents_unable_to_support`). */
  parentsUnableToSupport: boolean | null;
  /** The person's children have died or cannot support them (fact `children_unable_to_support`). */
  childrenUnableToSupport: boolean | null;
  inPrison: boolean;
  compulsoryRehab: boolean;
  declaredMissing: boolean;
  /** Date since which the person, a member of the clergy, has lived at a religious site. */
  clergySince: string | null;
}

export type MembershipBasis =
  | 'applicant'
  | 'spouse'
  | 'minor_child'
  | 'adult_child_student'
  | 'adult_child_dependent'
  | 'supported_relative_living_together'
  | 'excluded_deceased'
  | 'excluded_prison'
  | 'excluded_compulsory_rehab'
  | 'excluded_missing'
  | 'excluded_clergy'
  | 'excluded_adult_child_independent'
  | 'excluded_not_living_together'
  | 'excluded_support_duty_not_established'
  | 'excluded_no_support_duty';

export interface MembershipDecision {
  personId: string;
  relation: RelationToApplicant;
  included: boolean;
  basis: MembershipBasis;
  /** Chinese explanation for staff and for the applicant. */
  reason: string;
}

export const membershipReasons: Record<MembershipBasis, string> = {
  applicant: '申请人本人',
  spouse: '配偶（不论户籍是否在一起）',
  minor_child: '未成年子女',
  adult_child_student: '在校接受全日制本科及以下学历教育的成年子女',
  adult_child_dependent: '不能独立生活的成年子女（如重度残疾）',
  supported_relative_living_together: '与申请人长期共同生活、有法定赡养扶养抚养义务关系的亲属',
  excluded_deceased: '已死亡的人员不计入',
  excluded_prison: '正在服刑的人员不计入',
  excluded_compulsory_rehab: '正在强制隔离戒毒的人员不计入',
  excluded_missing: '宣告失踪的人员不计入',
  excluded_clergy: '在宗教场所居住3年以上（含）的宗教教职人员不计入',
  excluded_adult_child_independent: '成年且具备独立生活能力的子女不计入（即使同一户口簿）',
  excluded_not_living_together: '未与申请人长期共同生活',
  excluded_support_duty_not_established:
    '祖孙、兄弟姐妹之间只有在父母或子女已死亡、无力抚养或赡养时才有法定义务（民法典第1074、1075条），没有此情况的记录',
  excluded_no_support_duty: '与申请人无法定赡养、扶养或抚养义务关系',
};

// Full-time education "up to bachelor level" counts; postgraduates are adults who may work.
const STUDENT_STAGES_COUNTED = new Set([
  'primary',
  'junior_secondary',
  'senior_secondary',
  'vocational_secondary',
  'junior_college',
  'bachelor',
]);

const isMinor = (birthDate: string, onDate: string) => ageOn(birthDate, onDate) < 18;

/**
 * Whether the law puts a duty of support between the applicant and a more distant relative
 * (Civil Code art. 1074–1075). Between parents and children the duty is unconditional; between
 * grandparents and grandchildren, or brothers and sisters, it arises only when the nearer
 * relatives who owe it first (parents, children) have died or cannot meet it.
 */
function supportDutyExists(
  candidate: MembershipCandidate,
  applicant: MembershipCandidate | undefined,
  onDate: string,
): boolean {
  const candidateMinor = isMinor(candidate.birthDate, onDate);
  const applicantMinor = applicant !== undefined && isMinor(applicant.birthDate, onDate);
  switch (candidate.relation) {
    case 'parent':
      return true;
    case 'grandchild':
      // Grandparents raise a minor grandchild whose parents cannot; an adult grandchild
      // supports a grandparent whose own children cannot.
      return candidateMinor
        ? candidate.parentsUnableToSupport === true
        : applicant?.childrenUnableToSupport === true;
    case 'grandparent':
      return (
        candidate.childrenUnableToSupport === true ||
        (applicantMinor && applicant.parentsUnableToSupport === true)
      );
    case 'sibling':
      // An elder brother or sister raises a minor sibling whose parents cannot; a sibling who
      // cannot live on their own is owed support by the one they raised (art. 1075).
      return (
        (candidateMinor && candidate.parentsUnableToSupport === true) ||
        (applicantMinor && applicant.parentsUnableToSupport === true) ||
        (!candidateMinor && candidate.canLiveIndependently === false)
      );
    default:
      return false;
  }
}

function decide(
  candidate: MembershipCandidate,
  applicant: MembershipCandidate | undefined,
  onDate: string,
): MembershipBasis {
  if (candidate.deathDate !== null && candidate.deathDate <= onDate) return 'excluded_deceased';
  // Exclusions override every kind of relation (art. 9): they are checked first.
  if (candidate.inPrison) return 'excluded_prison';
  if (candidate.compulsoryRehab) return 'excluded_compulsory_rehab';
  if (candidate.declaredMissing) return 'excluded_missing';
  if (candidate.clergySince !== null && ageOn(candidate.clergySince, onDate) >= 3) return 'excluded_clergy';

  switch (candidate.relation) {
    case 'applicant':
      return 'applicant';
    case 'spouse':
      return 'spouse';
    case 'child': {
      if (isMinor(candidate.birthDate, onDate)) return 'minor_child';
      if (
        candidate.fullTimeStudent === true &&
        candidate.studentStage !== null &&
        STUDENT_STAGES_COUNTED.has(candidate.studentStage)
      ) {
        return 'adult_child_student';
      }
      const severelyDisabled = candidate.disabilityGrade === '1' || candidate.disabilityGrade === '2';
      if (candidate.canLiveIndependently === false || severelyDisabled) return 'adult_child_dependent';
      return 'excluded_adult_child_independent';
    }
    case 'other_relative':
    case 'non_relative':
      return 'excluded_no_support_duty';
    case 'parent':
    case 'grandchild':
    case 'grandparent':
    case 'sibling':
      // Art. 8(4): a legal duty of support AND living together long-term.
      if (candidate.livesTogether !== true) return 'excluded_not_living_together';
      return supportDutyExists(candidate, applicant, onDate)
        ? 'supported_relative_living_together'
        : 'excluded_support_duty_not_established';
  }
}

/**
 * Decides, for every candidate, whether they count as a member on a date, and why. The
 * applicant is one of the candidates (relation 'applicant'): some duties of support depend
 * on the applicant's own age and family.
 */
export function decideMembership(candidates: MembershipCandidate[], onDate: string): MembershipDecision[] {
  const applicant = candidates.find((c) => c.relation === 'applicant');
  return candidates.map((candidate) => {
    const basis = decide(candidate, applicant, onDate);
    return {
      personId: candidate.personId,
      relation: candidate.relation,
      included: !basis.startsWith('excluded_'),
      basis,
      reason: membershipReasons[basis],
    };
  });
}

/**
 * The relation to the applicant implied by a GB/T 4761-2008 code, when the applicant is the
 * head of the hukou household. Relatives by marriage — sons- and daughters-in-law (28, 38),
 * parents-in-law (53–56), the spouse's grandparents (65, 68), grandchildren's spouses (45, 46),
 * siblings' spouses (72, 74, 76, 78) — and great-grandchildren or great-grandparents owe no
 * statutory support, so they are other relatives, not children, parents or siblings.
 */
export function relationFromHukouCode(code: string): RelationToApplicant {
  const n = Number(code);
  if (code === '02') return 'applicant';
  if (n >= 10 && n <= 12) return 'spouse';
  if ([28, 38, 45, 46, 47, 48, 53, 54, 55, 56, 65, 66, 67, 68, 72, 74, 76, 78].includes(n)) {
    return 'other_relative';
  }
  if (n >= 20 && n <= 39) return 'child';
  if (n >= 40 && n <= 49) return 'grandchild';
  if (n >= 50 && n <= 59) return 'parent';
  if (n >= 60 && n <= 69) return 'grandparent';
  if (n >= 70 && n <= 79) return 'sibling';
  if (n >= 80 && n <= 97) return 'other_relative';
  return 'non_relative';
}

/** Memberships rebuilt from the civil-affairs roster: the bureau's own decision, as recorded. */
export const rosterBasisReasons = {
  roster_included: '民政救助名册登记为共同生活家庭成员',
  roster_excluded: '民政救助名册登记为不计入的家庭成员',
} as const;

/** The Chinese reason for a stored membership basis, a rule's or the roster's. */
export function basisReason(basis: string): string {
  if (basis in membershipReasons) return membershipReasons[basis as MembershipBasis];
  if (basis in rosterBasisReasons) return rosterBasisReasons[basis as keyof typeof rosterBasisReasons];
  return basis;
}
