import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { loadPool } from '../rules/policies/loadPool.ts';
import { loadWarnings } from '../discovery/loadWarnings.ts';
import { loadDiscoveryModels } from '../discovery/loadDiscoveryModels.ts';
import { loadRoutingRules } from './loadRoutingRules.ts';
import {
  checkRoutingRules,
  departmentsNamed,
  organisationAbove,
  organisationFor,
  routeOf,
  routingCandidates,
  type OrganisationRef,
} from './routingRules.ts';

const variables = loadVariableCatalogue();
const portrait = loadPortraitDefinitions(variables);
const known = {
  departments: new Set(variables.departments.map((d) => d.code)),
  ruleIds: new Set(
    [
      loadPool(variables, portrait),
      loadWarnings(variables, portrait),
      loadDiscoveryModels(variables, portrait),
    ].flatMap((p) => p.policies.map((x) => x.id)),
  ),
};

const org = (
  id: string,
  kind: OrganisationRef['kind'],
  area: string,
  department: string | null = null,
): OrganisationRef => ({
  id,
  name: id,
  kind,
  area_code: area,
  department,
});
const orgs = [
  org('bureau', 'bureau', '371082000000'),
  org('town', 'township_office', '371082101000'),
  org('village', 'village_committee', '371082101201'),
  org('housing', 'department', '371082000000', 'housing'),
  org('nanning-housing', 'department', '450103000000', 'housing'),
];

describe('routing rules', () => {
  const shipped = loadRoutingRules(known);

  it('loads the shipped rules, every one reachable and every department real', () => {
    expect(shipped.rules.length).toBeGreaterThanOrEqual(10);
    expect(departmentsNamed(shipped)).toEqual(
      expect.arrayContaining(['disabled_federation', 'emergency_management', 'housing', 'medical_security']),
    );
    // Each kind of finding has a rule, so nothing the screening raises is left without a handler by accident.
    for (const kind of ['review', 'warning', 'model'] as const)
      expect(
        routeOf(shipped, { kind, policyId: 'x', department: null, areaCode: '371082101201' }),
      ).not.toBeNull();
    // Gaps in social assistance are dispatched; a bus-fare concession stays a finding (tens of
    // thousands in a county would drown the villages).
    expect(
      routeOf(shipped, { kind: 'gap', policyId: 'dibao', department: null, areaCode: '371082101201' })?.id,
    ).toBe('gap_basic_assistance');
    expect(
      routeOf(shipped, {
        kind: 'gap',
        policyId: 'bus_fare_concession',
        department: null,
        areaCode: '371082101201',
      }),
    ).toBeNull();
    // Watches (near the line) are followed on the visit plans, not dispatched.
    expect(
      routeOf(shipped, { kind: 'watch', policyId: 'dibao', department: null, areaCode: '371082101201' }),
    ).toBeNull();
  });

  it('reads only the findings some rule may route', () => {
    const c = routingCandidates(shipped);
    expect(c.anyPolicy).toEqual(['model', 'review', 'warning']);
    expect(c.policies.map((p) => p.kind)).toEqual(['gap']);
    expect(c.policies[0]?.ids).toEqual(
      expect.arrayContaining(['dibao', 'medical_premium_tekun', 'rent_subsidy']),
    );
    expect(c.policies[0]?.ids).not.toContain('bus_fare_concession');
  });

  it('routes by the first matching rule: a specific warning before the catch-all', () => {
    const housing = routeOf(shipped, {
      kind: 'warning',
      policyId: 'dangerous_housing',
      department: 'housing',
      areaCode: '371082101201',
    });
    expect(housing?.id).toBe('warning_dangerous_housing');
    expect(housing?.coHandlers[0]?.to).toEqual({ department: 'housing' });
    const other = routeOf(shipped, {
      kind: 'warning',
      policyId: 'earner_died',
      department: 'civil_affairs',
      areaCode: '371082101201',
    });
    expect(other?.id).toBe('warning_other');
    const disability = routeOf(shipped, {
      kind: 'warning',
      policyId: 'new_severe_disability',
      department: 'disabled_federation',
      areaCode: '371082101201',
    });
    expect(disability?.id).toBe('warning_disability');
  });

  it('finds the organisation: the area’s own at the level, the nearest above when missing, the local department', () => {
    expect(organisationFor({ level: 'village' }, '371082101201', orgs)?.id).toBe('village');
    // A village without a committee in the system: its township office.
    expect(organisationFor({ level: 'village' }, '371082101202', orgs)?.id).toBe('town');
    // A township-level household has no village.
    expect(organisationFor({ level: 'village' }, '371082101000', orgs)?.id).toBe('town');
    expect(organisationFor({ level: 'township' }, '371082199201', orgs)?.id).toBe('bureau');
    expect(organisationFor({ level: 'county' }, '371082101201', orgs)?.id).toBe('bureau');
    expect(organisationFor({ department: 'housing' }, '371082101201', orgs)?.id).toBe('housing');
    expect(organisationFor({ department: 'housing' }, '450103001001', orgs)?.id).toBe('nanning-housing');
    expect(organisationFor({ department: 'veterans' }, '371082101201', orgs)).toBeNull();
    expect(organisationFor({ level: 'village' }, '450103001001', orgs)).toBeNull();
  });

  it('escalates one level up: village → township → bureau; a department → the bureau; none above the bureau', () => {
    const [bureau, town, village, housing] = orgs as [
      OrganisationRef,
      OrganisationRef,
      OrganisationRef,
      OrganisationRef,
    ];
    expect(organisationAbove(village, orgs)?.id).toBe('town');
    expect(organisationAbove(town, orgs)?.id).toBe('bureau');
    expect(organisationAbove(housing, orgs)?.id).toBe('bureau');
    expect(organisationAbove(bureau, orgs)).toBeNull();
    // A village whose township has no office goes straight to the bureau.
    expect(organisationAbove(org('v2', 'village_committee', '371082199201'), orgs)?.id).toBe('bureau');
  });

  it('lists every problem of a wrong file with its path, and loads nothing', () => {
    const checked = checkRoutingRules(
      {
        nearDueWorkingDays: -1,
        rules: [
          { id: 'a', name: '甲', kinds: ['gap'], to: { level: 'village' } },
          { id: 'a', name: '', kinds: ['gaps'], to: { level: 'city' } },
          {
            id: 'B',
            name: '丙',
            kinds: ['warning'],
            policies: ['no_such_policy'],
            to: { department: 'police' },
            slaWorkingDays: 1.5,
          },
          {
            id: 'd',
            name: '丁',
            kinds: ['warning'],
            to: { level: 'township' },
            coHandlers: [{ to: { level: 'village' } }],
          },
        ],
      },
      known,
    );
    expect(checked.rules).toBeNull();
    const at = checked.problems.map((p) => p.path);
    expect(at).toEqual(
      expect.arrayContaining([
        'nearDueWorkingDays',
        'rules[1].id',
        'rules[1].name',
        'rules[1].kinds[0]',
        'rules[1].to',
        'rules[2].id',
        'rules[2].policies[0]',
        'rules[2].to.department',
        'rules[2].slaWorkingDays',
        'rules[3].coHandlers[0].task',
      ]),
    );
    expect(checked.problems.find((p) => p.path === 'rules[1].id')?.message).toContain('重复');
    expect(checked.problems.find((p) => p.path === 'rules[2].policies[0]')?.message).toContain(
      'no_such_policy',
    );
  });

  it('stops the load of a wrong file with file:line and what is wrong', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routing-'));
    const file = path.join(dir, 'routing.yaml');
    fs.writeFileSync(
      file,
      'rules:\n  - id: x\n    name: 某规则\n    kinds: [gap]\n    to: { department: nobody }\n',
    );
    expect(() => loadRoutingRules(known, file)).toThrow(
      /routing\.yaml:5: rules\[0\]\.to\.department：未知部门“nobody”/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
