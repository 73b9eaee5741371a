import type { Reporter, TestCase } from 'vitest/node';

/**
 * Prints, after the run, how many repository tests ran on each database, so the output
 * proves that SQLite and PostgreSQL were both exercised.
 */
export default class DatabaseSummaryReporter implements Reporter {
  private readonly counts = new Map<string, { passed: number; failed: number; skipped: number }>();

  private readonly all = { passed: 0, failed: 0, skipped: 0 };

  onTestCaseResult(testCase: TestCase): void {
    const outcome = testCase.result().state;
    if (outcome === 'passed') this.all.passed++;
    else if (outcome === 'failed') this.all.failed++;
    else this.all.skipped++;
    const match = /\[(sqlite|postgres)\]/.exec(testCase.fullName);
    if (!match?.[1]) return;
    const entry = this.counts.get(match[1]) ?? { passed: 0, failed: 0, skipped: 0 };
    const state = testCase.result().state;
    if (state === 'passed') entry.passed++;
    else if (state === 'failed') entry.failed++;
    else entry.skipped++;
    this.counts.set(match[1], entry);
  }

  onTestRunEnd(): void {
    const lines = ['sqlite', 'postgres'].map((db) => {
      const c = this.counts.get(db) ?? { passed: 0, failed: 0, skipped: 0 };
      return `  ${db.padEnd(9)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
    });
    process.stdout.write(`\nRepository tests by database:\n${lines.join('\n')}\n\n`);
    // The closing line CI reads for the whole run.
    process.stdout.write(
      `tests: ${this.all.passed} passed, ${this.all.failed} failed, ${this.all.skipped} skipped\n`,
    );
  }
}
