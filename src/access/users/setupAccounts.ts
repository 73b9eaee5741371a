import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { findArea, listChildren } from '../../areas/areaRepository.ts';
import type { SecurityPolicy } from '../auth/securityPolicy.ts';
import { generatePassword } from './password.ts';
import { countUsers, findOrganisationByArea } from './userRepository.ts';
import { createOrganisation, createUser, ensureBuiltinRoles } from './userService.ts';

export interface InitialAccount {
  username: string;
  password: string;
  roleZh: string;
  organisation: string;
}

async function organisationFor(
  db: Kysely<Database>,
  areaCode: string,
  kind: 'bureau' | 'township_office' | 'village_committee',
  name: string,
) {
  return (
    (await findOrganisationByArea(db, areaCode, kind)) ??
    createOrganisation(db, { name, kind, area_code: areaCode, department: null })
  );
}

/**
 * First start: creates the three separated administrators (三员分立) in the county bureau,
 * each with a random initial password that must be changed at first sign-in. Does nothing
 * when users exist, so no default password ever ships or survives.
 */
export async function setupAdministrators(
  db: Kysely<Database>,
  policy: SecurityPolicy,
  countyCode: string,
): Promise<InitialAccount[]> {
  await ensureBuiltinRoles(db);
  if ((await countUsers(db)) > 0) return [];
  const county = await findArea(db, countyCode);
  if (!county) throw new Error(`区划 ${countyCode} 尚未导入，请先运行 zhulian areas import`);
  const bureau = await organisationFor(db, county.code, 'bureau', `${county.name}民政局`);
  const accounts: InitialAccount[] = [];
  for (const [username, role, roleZh] of [
    ['sysadmin', 'system_admin', '系统管理员'],
    ['secadmin', 'security_admin', '安全管理员'],
    ['auditadmin', 'audit_admin', '审计管理员'],
  ] as const) {
    const password = generatePassword();
    await createUser(db, policy, {
      username,
      displayName: roleZh,
      organisationId: bureau.id,
      roleCodes: [role],
      password,
      mustChangePassword: true,
    });
    accounts.push({ username, password, roleZh, organisation: bureau.name });
  }
  return accounts;
}

/** The demo's fixed password: printed by `npm start`, never used outside the demo. */
export const DEMO_PASSWORD = 'Zhulian@Demo2026';

/**
 * The demo county's accounts, one per role, all with the printed demo password and no
 * forced change — a relaxation only the demo makes, and says so when it prints them.
 */
export async function setupDemoAccounts(
  db: Kysely<Database>,
  policy: SecurityPolicy,
  countyCode: string,
): Promise<InitialAccount[]> {
  await ensureBuiltinRoles(db);
  if ((await countUsers(db)) > 0) return [];
  const county = await findArea(db, countyCode);
  if (!county) throw new Error(`区划 ${countyCode} 尚未导入`);
  const township =
    (await listChildren(db, county.code)).find((a) => a.kind === 'town') ??
    (await listChildren(db, county.code))[0];
  if (!township) throw new Error(`${county.name}没有下级乡镇`);
  const village = (await listChildren(db, township.code))[0];
  if (!village) throw new Error(`${township.name}没有下级村（社区）`);
  const bureau = await organisationFor(db, county.code, 'bureau', `${county.name}民政局`);
  const office = await organisationFor(db, township.code, 'township_office', `${township.name}人民政府`);
  const committee = await organisationFor(db, village.code, 'village_committee', village.name);
  const federation = await createOrganisation(db, {
    name: `${county.name}残疾人联合会`,
    kind: 'department',
    area_code: county.code,
    department: 'disabled_federation',
  });
  const plan: [string, string, string, string, { id: string; name: string }][] = [
    ['county', '县级民政工作人员', 'county_staff', '民政局工作人员', bureau],
    ['township', '乡镇（街道）工作人员', 'township_staff', `${township.name}民政办`, office],
    ['village', '村（社区）工作人员', 'village_worker', `${village.name}社会救助协理员`, committee],
    ['department', '协作部门工作人员', 'department_staff', '残联工作人员', federation],
    ['sysadmin', '系统管理员', 'system_admin', '系统管理员', bureau],
    ['secadmin', '安全管理员', 'security_admin', '安全管理员', bureau],
    ['auditadmin', '审计管理员', 'audit_admin', '审计管理员', bureau],
  ];
  const accounts: InitialAccount[] = [];
  for (const [username, roleZh, role, displayName, organisation] of plan) {
    await createUser(db, policy, {
      username,
      displayName,
      organisationId: organisation.id,
      roleCodes: [role],
      password: DEMO_PASSWORD,
      mustChangePassword: false,
    });
    accounts.push({ username, password: DEMO_PASSWORD, roleZh, organisation: organisation.name });
  }
  return accounts;
}
