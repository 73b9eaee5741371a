import type { ErrorCode } from '../../core/errorCatalogue.ts';
import type { MessageParams } from '../../core/appError.ts';

/**
 * The rules of merging two person records, pure. Why confirmation for different numbers: a
 * valid resident ID number is issued to one human, and the registry stores every number in its
 * 18-digit form, so two records only ever carry "the same number" when one is the 15→18
 * upgrade of the other read in another century. Any other pair — typically two people who
 * share a common name and a birthday — is two humans unless someone who checked (the hukou
 * police, the person's own documents) says otherwise; the caller must confirm explicitly and
 * the reason is kept with the merge.
 */

/** The legacy 15-digit form of an 18-digit number: address code, YYMMDD, sequence (no century, no check digit). */
export function fifteenDigitForm(idNumber18: string): string {
  return idNumber18.slice(0, 6) + idNumber18.slice(8, 17);
}

/** Whether two stored numbers are one number: equal, or the 15→18 upgrade of one another. */
export function sameIdNumber(a: string, b: string): boolean {
  return a === b || fifteenDigitForm(a) === fifteenDigitForm(b);
}

export interface MergeParty {
  id: string;
  mergedInto: string | null | undefined;
}

export interface Refusal {
  code: ErrorCode;
  params: MessageParams;
  path: string;
}

/** Why two records may not be merged as asked, or null when they may. */
export function mergeRefusal(input: {
  survivor: MergeParty;
  duplicate: MergeParty;
  sameIdNumber: boolean;
  confirmDifferentIds: boolean;
}): Refusal | null {
  const { survivor, duplicate } = input;
  if (survivor.id === duplicate.id) return { code: 'MERGE_SELF', params: {}, path: 'body.duplicateId' };
  if (survivor.mergedInto)
    return { code: 'MERGE_ALREADY_MERGED', params: { role: '保留人员' }, path: 'body.survivorId' };
  if (duplicate.mergedInto)
    return { code: 'MERGE_ALREADY_MERGED', params: { role: '被合并人员' }, path: 'body.duplicateId' };
  if (!input.sameIdNumber && !input.confirmDifferentIds)
    return { code: 'MERGE_DIFFERENT_IDS', params: {}, path: 'body.confirmDifferentIds' };
  return null;
}

/** Why a likely duplicate pair was proposed. */
export type CandidateKind = 'id_upgrade' | 'name_birth';

export const candidateKindLabels: Record<CandidateKind, string> = {
  id_upgrade: '身份证号码为同一号码的15位与18位形式',
  name_birth: '姓名、性别和出生日期相同',
};
