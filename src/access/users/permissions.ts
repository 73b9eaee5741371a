import type { DataScope } from '../../db/schema.ts';

/**
 * The closed catalogue of permissions, `module:entity:action`. Routes declare one of these;
 * roles hold them. Adding a permission is a change here, never a free string elsewhere.
 */
export const permissionCatalogue = {
  'system:user:manage': '管理用户账号',
  'system:organisation:manage': '管理组织机构',
  'system:config:manage': '管理系统参数与字典',
  'security:role:manage': '管理角色与权限',
  'security:policy:manage': '管理安全策略',
  'audit:record:view': '查看审计记录与登录日志',
  'audit:record:export': '导出审计记录',
  'areas:area:view': '查看行政区划',
  'areas:area:edit': '维护行政区划',
  'registry:person:view': '查看人员',
  'registry:person:edit': '登记、修改人员',
  'registry:person:sensitive': '查看未脱敏的身份证号、手机号',
  'registry:person:merge': '合并、拆分重复人员',
  'registry:household:view': '查看家庭',
  'registry:household:edit': '登记、认定家庭',
  'registry:fact:view': '查看事实数据',
  'registry:fact:edit': '登记事实数据',
  'ingest:import:view': '查看数据导入记录',
  'ingest:import:run': '导入部门数据文件',
  'ingest:link:review': '确认待匹配的记录属于哪个人员',
  'rules:policy:view': '查看政策库、参数与政策匹配结果',
  'rules:policy:manage': '重新加载政策库',
  'discovery:finding:view': '查看主动发现的线索（缺口、复核、临界）',
  'discovery:finding:handle': '认领、办结发现线索',
  'discovery:run:start': '发起政策筛查',
  'discovery:visit:manage': '制定季度走访计划、登记走访',
  'assessment:result:view': '查看多维困难评估结果',
  'assessment:model:manage': '编辑、预览、启用多维困难评估模型',
  'workorder:order:view': '查看工单与消息',
  'workorder:order:handle': '接单、办理、回复工单',
  'workorder:order:dispatch': '派发、转派、核验、关闭工单，登记来电',
  'system:calendar:manage': '维护工作日历（地方节假日与调休）',
} as const;

export type Permission = keyof typeof permissionCatalogue;

export function isPermission(value: string): value is Permission {
  return value in permissionCatalogue;
}

/** The three administrator families of 三员分立; every other permission is business work. */
export type AdminFamily = 'system' | 'security' | 'audit';

export function adminFamilyOf(permission: Permission): AdminFamily | null {
  const module = permission.split(':')[0];
  return module === 'system' || module === 'security' || module === 'audit' ? module : null;
}

/**
 * Why a set of permissions (one role, or all of a user's roles together) breaks the
 * separation of the three administrators, in Chinese; undefined when it does not. No holder
 * may combine two families, nor an administrator family with business permissions.
 */
export function separationProblem(permissions: Permission[]): string | undefined {
  const families = new Set(permissions.map(adminFamilyOf).filter((f) => f !== null));
  if (families.size > 1)
    return `系统管理员、安全管理员、审计管理员的权限不能合并（涉及${[...families].join('、')}）`;
  const business = permissions.filter((p) => adminFamilyOf(p) === null);
  if (families.size === 1 && business.length > 0)
    return `管理员角色不能同时拥有业务权限（如${business[0] ?? ''}）`;
  return undefined;
}

/** Built-in roles: the three administrators and the demo's staff roles. */
export interface RoleDefinition {
  code: string;
  nameZh: string;
  nameEn: string;
  permissions: Permission[];
  dataScope: DataScope;
}

const staffRead: Permission[] = [
  'areas:area:view',
  'registry:person:view',
  'registry:household:view',
  'registry:fact:view',
  'rules:policy:view',
];
const staffWrite: Permission[] = ['registry:person:edit', 'registry:household:edit', 'registry:fact:edit'];

export const builtinRoles: RoleDefinition[] = [
  {
    code: 'system_admin',
    nameZh: '系统管理员',
    nameEn: 'System administrator',
    permissions: [
      'system:user:manage',
      'system:organisation:manage',
      'system:config:manage',
      'system:calendar:manage',
    ],
    dataScope: 'all',
  },
  {
    code: 'security_admin',
    nameZh: '安全管理员',
    nameEn: 'Security administrator',
    permissions: ['security:role:manage', 'security:policy:manage'],
    dataScope: 'all',
  },
  {
    code: 'audit_admin',
    nameZh: '审计管理员',
    nameEn: 'Audit administrator',
    permissions: ['audit:record:view', 'audit:record:export'],
    dataScope: 'all',
  },
  {
    code: 'county_staff',
    nameZh: '县级民政工作人员',
    nameEn: 'County civil-affairs staff',
    permissions: [
      ...staffRead,
      ...staffWrite,
      'areas:area:edit',
      'registry:person:sensitive',
      // Merging is the county's: it decides which human every department's record describes.
      'registry:person:merge',
      'ingest:import:view',
      'ingest:import:run',
      'ingest:link:review',
      'rules:policy:manage',
      'discovery:finding:view',
      'discovery:finding:handle',
      // Screening the whole county is the county's.
      'discovery:run:start',
      'discovery:visit:manage',
      // Which model judges hardship is the county's decision.
      'assessment:result:view',
      'assessment:model:manage',
      'workorder:order:view',
      'workorder:order:handle',
      'workorder:order:dispatch',
    ],
    dataScope: 'area_and_below',
  },
  {
    code: 'township_staff',
    nameZh: '乡镇（街道）工作人员',
    nameEn: 'Township staff',
    permissions: [
      ...staffRead,
      ...staffWrite,
      'discovery:finding:view',
      'discovery:finding:handle',
      'discovery:visit:manage',
      'assessment:result:view',
      'workorder:order:view',
      'workorder:order:handle',
      'workorder:order:dispatch',
    ],
    dataScope: 'area_and_below',
  },
  {
    code: 'village_worker',
    nameZh: '村（社区）工作人员',
    nameEn: 'Village worker',
    permissions: [
      ...staffRead,
      ...staffWrite,
      'discovery:finding:view',
      'discovery:finding:handle',
      'discovery:visit:manage',
      'assessment:result:view',
      'workorder:order:view',
      'workorder:order:handle',
    ],
    dataScope: 'area_only',
  },
  {
    code: 'department_staff',
    nameZh: '协作部门工作人员',
    nameEn: 'Partner department staff',
    permissions: [
      'areas:area:view',
      'registry:person:view',
      'registry:fact:view',
      'registry:fact:edit',
      'rules:policy:view',
      // Only their own department's feeds (checked by the ingest routes).
      'ingest:import:view',
      'ingest:import:run',
      // Orders routed to their department.
      'workorder:order:view',
      'workorder:order:handle',
    ],
    dataScope: 'area_and_below',
  },
];
