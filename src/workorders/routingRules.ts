import { AREA_CODE_LENGTH, areaCodePrefix, areaLevelOf, structuralParentCode } from '../areas/areaCode.ts';
import type { FindingKind, OrganisationKind, WorkOrderPriority } from '../db/schema.ts';

/**
 * Routing rules as data (issue 8, `dispatch/routing.yaml`): which organisation handles which
 * kind of finding, for which policy, warning or model, from which department's rule, in which
 * region — and who joins it (联席). The first rule that matches a finding routes it; a finding
 * no rule matches is not turned into an order.
 */
export type RoutingLevel = 'village' | 'township' | 'county';

/** An area's own organisation at a level of the subject's area, or a department's. */
export type RoutingTarget = { level: RoutingLevel } | { department: string };

export interface RoutingRule {
  id: string;
  name: string;
  kinds: FindingKind[];
  /** Policy, warning or model ids; null matches any. */
  policies: string[] | null;
  /** The rule's department (a warning's `department`); null matches any. */
  departments: string[] | null;
  /** 12-digit area codes the subject must lie within; null matches anywhere. */
  regions: string[] | null;
  to: RoutingTarget;
  coHandlers: { to: RoutingTarget; task: string }[];
  priority: WorkOrderPriority;
  slaWorkingDays: number;
}

export interface RoutingRules {
  rules: RoutingRule[];
  /** Alert the handler when this many working days or fewer are left. */
  nearDueWorkingDays: number;
  /** Escalate an overdue order to the organisation one level up, once per overdue spell. */
  escalateOverdue: boolean;
  /** For orders made by hand or from a call without a time limit of their own. */
  defaultSlaWorkingDays: number;
}

export interface RoutingProblem {
  path: string;
  message: string;
}

const kinds: readonly FindingKind[] = ['gap', 'review', 'watch', 'warning', 'model'];
const priorities: readonly WorkOrderPriority[] = ['urgent', 'high', 'normal', 'low'];
const levels: readonly RoutingLevel[] = ['village', 'township', 'county'];

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The rules checked against what exists — departments in the catalogue, rule ids in the pools —
 * with every problem named by its path; null rules when there is any problem.
 */
export function checkRoutingRules(
  data: unknown,
  known: { departments: ReadonlySet<string>; ruleIds: ReadonlySet<string> },
): { rules: RoutingRules | null; problems: RoutingProblem[] } {
  const problems: RoutingProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  if (!isObject(data) || !Array.isArray(data.rules)) {
    problem('rules', '应为规则列表');
    return { rules: null, problems };
  }
  const defaults = isObject(data.defaults) ? data.defaults : {};
  const positiveInt = (v: unknown, path: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 365) {
      problem(path, '应为 0 到 365 之间的整数');
      return fallback;
    }
    return v;
  };
  const defaultSla = positiveInt(defaults.slaWorkingDays, 'defaults.slaWorkingDays', 5);
  const defaultPriority = priorities.includes(defaults.priority as WorkOrderPriority)
    ? (defaults.priority as WorkOrderPriority)
    : 'normal';
  const target = (v: unknown, path: string): RoutingTarget | null => {
    if (isObject(v) && typeof v.level === 'string' && levels.includes(v.level as RoutingLevel))
      return { level: v.level as RoutingLevel };
    if (isObject(v) && typeof v.department === 'string') {
      if (!known.departments.has(v.department)) problem(`${path}.department`, `未知部门“${v.department}”`);
      return { department: v.department };
    }
    problem(path, '应为 { level: village | township | county } 或 { department: 部门代码 }');
    return null;
  };
  const list = (v: unknown, path: string, check: (s: string) => string | undefined): string[] | null => {
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      problem(path, '应为字符串列表');
      return null;
    }
    v.forEach((s: string, i) => {
      const why = check(s);
      if (why) problem(`${path}[${String(i)}]`, why);
    });
    return v as string[];
  };
  const ids = new Set<string>();
  const rules: RoutingRule[] = [];
  data.rules.forEach((raw: unknown, i) => {
    const at = `rules[${String(i)}]`;
    if (!isObject(raw)) return problem(at, '应为一条规则');
    const id = typeof raw.id === 'string' && /^[a-z][a-z0-9_-]*$/.test(raw.id) ? raw.id : null;
    if (!id) problem(`${at}.id`, '应为小写字母开头的标识');
    else if (ids.has(id)) problem(`${at}.id`, `规则标识“${id}”重复`);
    else ids.add(id);
    if (typeof raw.name !== 'string' || raw.name.trim() === '') problem(`${at}.name`, '需要中文名称');
    const ruleKinds = list(raw.kinds, `${at}.kinds`, (k) =>
      kinds.includes(k as FindingKind) ? undefined : `未知线索类型“${k}”，可选：${kinds.join('、')}`,
    );
    if (!ruleKinds?.length) problem(`${at}.kinds`, '至少列出一种线索类型');
    const policies = list(raw.policies, `${at}.policies`, (p) =>
      known.ruleIds.has(p) ? undefined : `政策库、预警或名单模型中没有“${p}”`,
    );
    const departments = list(raw.departments, `${at}.departments`, (d) =>
      known.departments.has(d) ? undefined : `未知部门“${d}”`,
    );
    const regions = list(raw.regions, `${at}.regions`, (r) =>
      /^\d{12}$/.test(r) ? undefined : '应为 12 位区划代码',
    );
    const to = target(raw.to, `${at}.to`);
    const coHandlers: RoutingRule['coHandlers'] = [];
    if (raw.coHandlers !== undefined) {
      if (!Array.isArray(raw.coHandlers)) problem(`${at}.coHandlers`, '应为协办单位列表');
      else
        raw.coHandlers.forEach((c: unknown, j) => {
          const cAt = `${at}.coHandlers[${String(j)}]`;
          const cTo = isObject(c) ? target(c.to, `${cAt}.to`) : null;
          const task = isObject(c) && typeof c.task === 'string' && c.task.trim() !== '' ? c.task : null;
          if (!task) problem(`${cAt}.task`, '需要写明协办任务');
          if (cTo && task) coHandlers.push({ to: cTo, task });
        });
    }
    const priority = raw.priority === undefined ? defaultPriority : (raw.priority as WorkOrderPriority);
    if (!priorities.includes(priority)) problem(`${at}.priority`, `优先级应为 ${priorities.join('、')} 之一`);
    const sla = positiveInt(raw.slaWorkingDays, `${at}.slaWorkingDays`, defaultSla);
    if (id && to && ruleKinds)
      rules.push({
        id,
        name: typeof raw.name === 'string' ? raw.name : id,
        kinds: ruleKinds as FindingKind[],
        policies,
        departments,
        regions,
        to,
        coHandlers,
        priority,
        slaWorkingDays: sla,
      });
  });
  const nearDueWorkingDays = positiveInt(data.nearDueWorkingDays, 'nearDueWorkingDays', 1);
  const escalateOverdue = data.escalateOverdue === undefined ? true : data.escalateOverdue === true;
  if (data.escalateOverdue !== undefined && typeof data.escalateOverdue !== 'boolean')
    problem('escalateOverdue', '应为 true 或 false');
  return problems.length
    ? { rules: null, problems }
    : { rules: { rules, nearDueWorkingDays, escalateOverdue, defaultSlaWorkingDays: defaultSla }, problems };
}

export interface RoutableFinding {
  kind: FindingKind;
  policyId: string;
  department: string | null;
  areaCode: string;
}

export const within = (areaCode: string, regionCode: string): boolean =>
  areaCode.startsWith(areaCodePrefix(regionCode));

/** The first rule that matches the finding, or null. */
export function routeOf(rules: RoutingRules, f: RoutableFinding): RoutingRule | null {
  return (
    rules.rules.find(
      (r) =>
        r.kinds.includes(f.kind) &&
        (!r.policies || r.policies.includes(f.policyId)) &&
        (!r.departments || (f.department !== null && r.departments.includes(f.department))) &&
        (!r.regions || r.regions.some((region) => within(f.areaCode, region))),
    ) ?? null
  );
}

export interface OrganisationRef {
  id: string;
  name: string;
  kind: OrganisationKind;
  area_code: string;
  department: string | null;
}

const kindAtLevel: Record<RoutingLevel, OrganisationKind> = {
  village: 'village_committee',
  township: 'township_office',
  county: 'bureau',
};

/** The area's code at a level (a village's township, a township's county). */
function codeAtLevel(areaCode: string, level: RoutingLevel): string {
  return areaCodePrefix(areaCode, level).padEnd(AREA_CODE_LENGTH, '0');
}

/**
 * The organisation a target names for a subject's area: the area's own organisation at the level
 * (the village committee, the township office, the bureau), going up a level where there is none;
 * or the department's organisation whose area holds the subject, the nearest first.
 */
export function organisationFor(
  target: RoutingTarget,
  areaCode: string,
  organisations: readonly OrganisationRef[],
): OrganisationRef | null {
  if ('department' in target)
    return (
      organisations
        .filter(
          (o) =>
            o.kind === 'department' && o.department === target.department && within(areaCode, o.area_code),
        )
        .sort((a, b) => areaCodePrefix(b.area_code).length - areaCodePrefix(a.area_code).length)[0] ?? null
    );
  // From the target level upwards: village, township, county.
  const order = levels.slice(levels.indexOf(target.level));
  const areaLevel = areaLevelOf(areaCode);
  for (const level of order) {
    // A township's household has no village: start at the level the subject's area has.
    if (level === 'village' && areaLevel !== 'village') continue;
    if (level === 'township' && areaLevel !== 'village' && areaLevel !== 'township') continue;
    const code = codeAtLevel(areaCode, level);
    const found = organisations.find((o) => o.kind === kindAtLevel[level] && o.area_code === code);
    if (found) return found;
  }
  return null;
}

/**
 * The organisation one level above for escalation: a village committee's township office, a
 * township office's bureau, a department's bureau (the bureau convenes joint handling); none
 * above the bureau.
 */
export function organisationAbove(
  organisation: OrganisationRef,
  organisations: readonly OrganisationRef[],
): OrganisationRef | null {
  const bureauOf = (code: string) =>
    organisations.find((o) => o.kind === 'bureau' && within(code, o.area_code) && o.id !== organisation.id) ??
    null;
  switch (organisation.kind) {
    case 'village_committee': {
      const township = structuralParentCode(organisation.area_code);
      return (
        (township && organisations.find((o) => o.kind === 'township_office' && o.area_code === township)) ||
        bureauOf(organisation.area_code)
      );
    }
    case 'township_office':
    case 'department':
    case 'partner':
      return bureauOf(organisation.area_code);
    case 'bureau':
      return null;
  }
}

/** The departments the rules send work to (lead or co-handler): the organisations a county needs. */
export function departmentsNamed(rules: RoutingRules): string[] {
  const named = new Set<string>();
  for (const r of rules.rules)
    for (const t of [r.to, ...r.coHandlers.map((c) => c.to)]) if ('department' in t) named.add(t.department);
  return [...named].sort();
}

/**
 * The findings the rules could route, for the query that looks for them: a kind with a rule for
 * any policy, or only the policies its rules list (so the gaps of a service nobody dispatches are
 * not read again on every pass).
 */
export function routingCandidates(rules: RoutingRules): {
  anyPolicy: FindingKind[];
  policies: { kind: FindingKind; ids: string[] }[];
} {
  const anyPolicy = new Set<FindingKind>();
  const listed = new Map<FindingKind, Set<string>>();
  for (const r of rules.rules)
    for (const kind of r.kinds) {
      if (!r.policies) anyPolicy.add(kind);
      else {
        const ids = listed.get(kind) ?? new Set<string>();
        for (const id of r.policies) ids.add(id);
        listed.set(kind, ids);
      }
    }
  return {
    anyPolicy: [...anyPolicy].sort(),
    policies: [...listed]
      .filter(([kind]) => !anyPolicy.has(kind))
      .map(([kind, ids]) => ({ kind, ids: [...ids].sort() })),
  };
}
