import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn, testContext } from '../http/testing/buildTestApp.ts';
import { AppError } from '../core/appError.ts';
import { screenChanges, startScreening } from './screeningRun.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';
import { flushAudit } from '../access/audit/auditWriter.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import type { FindingExplanation } from './findingRules.ts';

const asOf = '2026-11-01';

interface Run {
  id: string;
  status: string;
  householdsTotal: number;
  householdsDone: number;
  results: number;
  findingsNew: number;
  findingsChanged: number;
  findingsSuperseded: number;
  findingsCurrent: number;
  error: string | null;
}
interface Finding {
  id: string;
  householdId: string;
  hukouNumber: string;
  policyId: string;
  policyName: { zh: string };
  department: string;
  cause: string | null;
  causeLabel: { zh: string } | null;
  subject: string;
  areaCode: string;
  kind: string;
  status: string;
  resolution: string | null;
  lastSeenAt: string;
}

describeEachDatabase('discovery routes', (getDb) => {
  let app: FastifyInstance;
  let dir: string;
  beforeAll(async () => {
    dir = await importGeneratedCounty(getDb(), { households: 120, seed: 7, referenceDate: asOf });
    app = await buildTestApp(getDb());
  }, 120_000);
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a run and polls it to the end, as the console does. */
  const screen = async (): Promise<Run> => {
    const started = await app.inject({ method: 'POST', url: '/api/screening-runs', payload: { asOf } });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json<Run>();
    for (;;) {
      const run = (await app.inject({ method: 'GET', url: `/api/screening-runs/${id}` })).json<Run>();
      if (run.status !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('screens every household, keeps findings with their explanation, and a second run changes nothing', async () => {
    const households = await getDb().db.selectFrom('hukou_households').select('id').execute();
    const first = await screen();
    expect(first).toMatchObject({ status: 'completed', error: null, householdsTotal: households.length });
    expect(first.householdsDone).toBe(households.length);
    expect(first.results).toBeGreaterThan(households.length * 100);
    expect(first.findingsNew).toBeGreaterThan(0);
    // Every finding of a first run is new and current.
    expect(first.findingsCurrent).toBe(first.findingsNew);
    const all = (await app.inject({ method: 'GET', url: '/api/findings?limit=200' })).json<{
      items: Finding[];
      total: number;
      counts: { kind: string; status: string; n: number }[];
    }>();
    expect(all.total).toBe(first.findingsNew);
    expect(all.counts.reduce((n, c) => n + c.n, 0)).toBe(first.findingsNew);
    expect(new Set(all.items.map((f) => f.kind))).toContain('gap');
    // Early warnings fire too, each with its cause of hardship and department (asked for by kind:
    // the first page of all findings need not hold one).
    const warnings = (await app.inject({ method: 'GET', url: '/api/findings?kind=warning&limit=200' })).json<{
      items: Finding[];
    }>().items;
    expect(warnings.every((f) => f.kind === 'warning')).toBe(true);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((f) => f.cause !== null && f.causeLabel?.zh && f.department)).toBe(true);
    expect(all.items.every((f) => f.status === 'new' && /^\d+$/.test(f.hukouNumber))).toBe(true);

    // A gap's explanation: the policy result, its criteria and the inputs and parameters they cite.
    const gap = all.items.find((f) => f.kind === 'gap');
    const detail = (await app.inject({ method: 'GET', url: `/api/findings/${gap?.id ?? ''}` })).json<
      Finding & { explanation: FindingExplanation; events: { action: string; toStatus: string }[] }
    >();
    expect(detail.explanation.result.policyId).toBe(gap?.policyId);
    expect(detail.explanation.result.outcome).toBe('eligible');
    const cited = detail.explanation.result.criteria.flatMap((c) => c.inputs);
    expect(cited.every((ref) => ref in detail.explanation.inputs)).toBe(true);
    expect(detail.events.map((e) => [e.action, e.toStatus])).toEqual([['found', 'new']]);
    await flushAudit(getDb().db);
    const audits = await findAuditRecords(getDb().db, { action: 'discovery.finding.view', limit: 5 });
    expect(audits.some((a) => a.subject_id === gap?.id)).toBe(true);

    // The same data again: the same findings (same ids), nothing new, changed or superseded.
    const second = await screen();
    expect(second).toMatchObject({
      status: 'completed',
      findingsNew: 0,
      findingsChanged: 0,
      findingsSuperseded: 0,
      findingsCurrent: first.findingsCurrent,
    });
    // …none written again (each still the first run's), each household's screening row the
    // second run's, with the digest of what it called for; and the list shows them seen by it.
    const stamps = await getDb()
      .db.selectFrom('findings')
      .select(['last_run_id', 'updated_at', 'first_seen_at'])
      .execute();
    expect(stamps.every((f) => f.last_run_id === first.id)).toBe(true);
    expect(stamps.every((f) => f.updated_at === f.first_seen_at)).toBe(true);
    const screenings = await getDb()
      .db.selectFrom('household_screenings')
      .select(['household_id', 'run_id', 'screened_at', 'findings_digest'])
      .execute();
    expect(screenings).toHaveLength(households.length);
    expect(screenings.every((r) => r.run_id === second.id && r.findings_digest !== null)).toBe(true);
    const screenedAt = new Map(screenings.map((r) => [r.household_id, r.screened_at]));
    const listed = (await app.inject({ method: 'GET', url: '/api/findings?limit=50' })).json<{
      items: Finding[];
    }>().items;
    for (const f of listed)
      expect(Date.parse(f.lastSeenAt)).toBe(Date.parse(screenedAt.get(f.householdId) ?? ''));
    // The export: every finding in scope, names and hukou numbers masked, the export audited.
    const exported = await app.inject({ method: 'GET', url: '/api/findings/export' });
    expect(exported.headers['content-type']).toContain('text/csv');
    const csv = exported.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toContain('"户号"');
    expect(csv).toHaveLength(first.findingsNew + 1);
    for (const f of all.items) expect(exported.body).not.toContain(`"${f.hukouNumber}"`);
    await flushAudit(getDb().db);
    expect(await findAuditRecords(getDb().db, { action: 'discovery.finding.export', limit: 5 })).toHaveLength(
      1,
    );

    const again = (await app.inject({ method: 'GET', url: '/api/findings?limit=200' })).json<{
      items: Finding[];
    }>();
    expect(again.items.map((f) => f.id).sort()).toEqual(all.items.map((f) => f.id).sort());
  });

  it('claims and resolves a finding through its lifecycle, refusing what does not follow', async () => {
    const [finding] = (
      await app.inject({ method: 'GET', url: '/api/findings?kind=gap&status=open&limit=1' })
    ).json<{ items: Finding[] }>().items;
    const act = (payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `/api/findings/${finding?.id ?? ''}/actions`, payload });
    expect((await act({ action: 'assign' })).json<Finding>().status).toBe('assigned');
    const unexplained = await act({ action: 'resolve' });
    expect(unexplained.statusCode).toBe(400);
    expect(unexplained.json<ErrorBody>().error.code).toBe('FINDING_RESOLUTION_REQUIRED');
    const resolved = (
      await act({ action: 'resolve', resolution: 'enrolled', note: '已纳入低保' })
    ).json<Finding>();
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'enrolled' });
    const twice = await act({ action: 'resolve', resolution: 'declined' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<ErrorBody>().error.code).toBe('FINDING_TRANSITION_INVALID');
    // A staff action clears the household's screening digest: the next run compares it in full.
    const { db } = getDb();
    const digestOf = async () =>
      (
        await db
          .selectFrom('household_screenings')
          .select('findings_digest')
          .where('household_id', '=', finding?.householdId ?? '')
          .executeTakeFirstOrThrow()
      ).findings_digest;
    expect(await digestOf()).toBeNull();
    const open = async () =>
      Number(
        (
          await db
            .selectFrom('findings')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('status', 'in', ['new', 'assigned'])
            .executeTakeFirstOrThrow()
        ).n,
      );
    // A run does not undo what staff decided; its current findings are exactly the open ones
    // (those of households it skipped counted from their screening rows).
    const run = await screen();
    expect(run.findingsCurrent).toBe(await open());
    expect(await digestOf()).not.toBeNull();
    const after = (await app.inject({ method: 'GET', url: `/api/findings/${finding?.id ?? ''}` })).json<
      Finding & { events: { action: string; note: string | null }[] }
    >();
    expect(after.status).toBe('resolved');
    expect(after.events.map((e) => e.action)).toEqual(['found', 'assigned', 'resolved']);
    expect(after.events[2]?.note).toBe('enrolled：已纳入低保');
    // The outcomes ledger counts it: one gap filled, one household reached, its money committed.
    type Cockpit = {
      ledger: {
        gapsFilled: number;
        householdsReached: number;
        gapsFound: number;
        byPolicy: { policyId: string }[];
        byTownship: { township: string; filled: number }[];
      };
      byTownship: { township: string; n: number }[];
      counts: { kind: string; n: number }[];
    };
    const cockpit = (await app.inject({ method: 'GET', url: '/api/discovery/cockpit' })).json<Cockpit>();
    expect(cockpit.ledger).toMatchObject({ gapsFilled: 1, householdsReached: 1 });
    expect(cockpit.ledger.byPolicy.map((p) => p.policyId)).toEqual([finding?.policyId]);
    expect(cockpit.ledger.byTownship).toEqual([
      expect.objectContaining({ township: `${(finding?.areaCode ?? '').slice(0, 9)}000`, filled: 1 }),
    ]);
    // Every gap the runs found this year, whatever became of it.
    expect(cockpit.ledger.gapsFound).toBe(
      cockpit.counts.filter((c) => c.kind === 'gap').reduce((n, c) => n + c.n, 0),
    );
    // A period before any run: nothing found, nothing filled.
    const before = (
      await app.inject({ method: 'GET', url: '/api/discovery/cockpit?from=2020-01-01&to=2020-12-31' })
    ).json<Cockpit>();
    expect(before.ledger).toMatchObject({ gapsFilled: 0, gapsFound: 0, byTownship: [] });
    // Every finding is in one township's count.
    expect(cockpit.byTownship.reduce((n, t) => n + t.n, 0)).toBe(cockpit.counts.reduce((n, c) => n + c.n, 0));
    expect(cockpit.byTownship.every((t) => /^\d{9}000$/.test(t.township))).toBe(true);
    // Reopened (still called for): current again at the next run, which compares the household anew.
    expect((await act({ action: 'reopen' })).json<Finding>().status).toBe('new');
    const reopened = await screen();
    expect(reopened.findingsCurrent).toBe(run.findingsCurrent + 1);
    expect(reopened.findingsCurrent).toBe(await open());
    // Back as it was for the tests that follow.
    await act({ action: 'resolve', resolution: 'enrolled', note: '已纳入低保' });
  });

  it('runs one screening at a time, and shows a village worker only their village', async () => {
    // Two starts at once (the second before the first has written anything): one runs, the
    // other is refused with the code the API answers 409 with.
    const context = testContext(getDb());
    const [first, second] = await Promise.allSettled([
      startScreening(context, { trigger: 'manual', startedBy: 'test', asOf }),
      startScreening(context, { trigger: 'manual', startedBy: 'test', asOf }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason instanceof AppError && second.reason.code).toBe(
      'SCREENING_IN_PROGRESS',
    );
    if (first.status === 'fulfilled') expect((await first.value.done).status).toBe('completed');
    const village = injectAs(app, await signIn(app, 'village'));
    const seen = (await village({ method: 'GET', url: '/api/findings?limit=200' })).json<{
      items: Finding[];
    }>();
    const all = (await app.inject({ method: 'GET', url: '/api/findings?limit=200' })).json<{
      items: Finding[];
    }>();
    const villages = new Set(seen.items.map((f) => f.areaCode));
    expect(villages.size).toBeLessThanOrEqual(1);
    expect(seen.items.length).toBeLessThan(all.items.length);
    // A village worker may not start a county's screening.
    expect((await village({ method: 'POST', url: '/api/screening-runs', payload: {} })).statusCode).toBe(403);
  });

  it('after a changed fact, screens only the household it affects', async () => {
    const context = testContext(getDb());
    const { db } = getDb();
    // A run over every household is the base; then nothing changed, so there is nothing to do.
    const base = await (await startScreening(context, { trigger: 'manual', startedBy: 'test', asOf })).done;
    expect(base.status).toBe('completed');
    expect(await screenChanges(context, asOf)).toBeNull();

    // One person's new fact (through the API, as staff record it).
    const household = await db
      .selectFrom('findings')
      .select('household_id')
      .where('status', 'in', ['new', 'assigned'])
      .executeTakeFirstOrThrow();
    const member = await db
      .selectFrom('hukou_members')
      .select('person_id')
      .where('household_id', '=', household.household_id)
      .where('left_on', 'is', null)
      .executeTakeFirstOrThrow();
    const recorded = await app.inject({
      method: 'POST',
      url: '/api/facts',
      payload: {
        subjectType: 'person',
        subjectId: member.person_id,
        variable: 'disability_grade',
        value: '1',
        source: 'disabled_federation',
        observedAt: asOf,
        validFrom: '2026-10-01',
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);

    const started = await screenChanges(context, asOf);
    if (!started) throw new Error('an incremental run was expected');
    const run = await started.done;
    // Exactly the one household was screened by this run; every other's screening is the base's.
    const screenings = await db
      .selectFrom('household_screenings')
      .select(['household_id', 'run_id'])
      .execute();
    expect(screenings.filter((r) => r.run_id === run.id).map((r) => r.household_id)).toEqual([
      household.household_id,
    ]);
    expect(
      screenings.filter((r) => r.household_id !== household.household_id).every((r) => r.run_id === base.id),
    ).toBe(true);
    // Caught up: the next call has nothing to do.
    expect(await screenChanges(context, asOf)).toBeNull();
  });
});
