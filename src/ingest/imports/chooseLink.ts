/** A registered person who might be the one a row without an ID number is about. */
export interface LinkCandidate {
  personId: string;
  name: string;
  birthDate: string;
  hukouNumber: string | null;
}

export interface ScoredCandidate {
  personId: string;
  score: number;
  reasons: string[];
}

export type LinkDecision =
  { kind: 'linked'; personId: string; score: number } | { kind: 'review'; candidates: ScoredCandidate[] };

/** At or above this a single best candidate is linked without asking anyone. */
export const AUTO_LINK_SCORE = 0.9;

/**
 * Links a row that has no ID number by name, birth date and hukou number. Same name and birth
 * date is strong evidence in one county; the hukou number, when the row has one, confirms or
 * contradicts it. A link is made only when exactly one candidate reaches AUTO_LINK_SCORE and
 * no other comes close; everything else goes to staff with the candidates ranked. Pure.
 */
export function chooseLink(
  keys: { name?: string; birthDate?: string; hukouNumber?: string },
  candidates: readonly LinkCandidate[],
): LinkDecision {
  const scored: ScoredCandidate[] = [];
  for (const c of candidates) {
    if (keys.name === undefined || c.name !== keys.name) continue;
    const reasons = ['姓名相同'];
    let score = 0.5;
    if (keys.birthDate !== undefined) {
      if (c.birthDate !== keys.birthDate) continue;
      score = 0.9;
      reasons.push('出生日期相同');
    }
    if (keys.hukouNumber !== undefined) {
      if (c.hukouNumber === keys.hukouNumber) {
        score = Math.min(0.99, score + 0.09);
        reasons.push('户号相同');
      } else {
        score -= 0.3;
        reasons.push(c.hukouNumber ? '户号不同' : '登记库中无户号');
      }
    }
    scored.push({ personId: c.personId, score: Math.round(score * 100) / 100, reasons });
  }
  scored.sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (best && best.score >= AUTO_LINK_SCORE && (!second || second.score < best.score - 0.05)) {
    return { kind: 'linked', personId: best.personId, score: best.score };
  }
  return { kind: 'review', candidates: scored.slice(0, 5) };
}
