import type { AttributeContext, StudentStage } from './attributeDraft.ts';
import type { Random } from './random.ts';

/**
 * Stage A2 — schooling by age: nearly every child in compulsory education, most teenagers in
 * senior or vocational secondary school, about half of a cohort in college or university, a
 * few postgraduates, and the recent graduates of the last three years (the X3 "graduates of
 * dibao families" model needs them).
 */
export function assignSchooling(context: AttributeContext, rng: Random): void {
  const { ages, alive, persons, referenceYear } = context;
  persons.forEach((attributes, i) => {
    const age = ages[i] ?? 0;
    if (alive[i] !== 1 || age < 3 || age > 27) return;
    let stage: StudentStage | null = null;
    if (age <= 5) stage = rng.chance(0.88) ? 'preschool' : null;
    else if (age <= 11) stage = 'primary';
    else if (age <= 14) stage = 'junior_secondary';
    else if (age <= 17)
      stage = rng.weighted<StudentStage | null>([
        ['senior_secondary', 58],
        ['vocational_secondary', 36],
        [null, 6],
      ]);
    else if (age <= 21) {
      if (rng.chance(0.55)) stage = age <= 20 && rng.chance(0.45) ? 'junior_college' : 'bachelor';
    } else if (age <= 24) {
      if (rng.chance(0.08)) stage = 'postgraduate';
      else if (rng.chance(0.5)) attributes.graduationYear = referenceYear - rng.int(0, Math.min(2, age - 21));
    } else if (age <= 27 && rng.chance(0.02)) stage = 'postgraduate';
    attributes.studentStage = stage;
  });
}
