import type { LocalizedText } from '../core/appError.ts';
import type { MaskingRule } from '../core/masking.ts';
import { defaultSecurityPolicy, type SecurityPolicy } from '../access/auth/securityPolicy.ts';
import { defaultIdNumberMasking } from '../registry/residentId/maskResidentId.ts';
import { MINIMUM_RETENTION_MONTHS } from '../access/audit/auditRetention.ts';
import { defaultPhoneMasking } from '../registry/persons/phone.ts';

/**
 * The closed catalogue of settings. A setting exists only if it is declared here, with its
 * group (which administrator edits it), names, type, default and bounds; the `settings`
 * table stores only values that differ from a default someone chose.
 */
export type SettingGroup = 'system' | 'security';
export type SettingType = 'integer' | 'boolean' | 'string' | 'object';
export type SettingValue = number | boolean | string | Record<string, number>;

interface Bounds {
  min: number;
  max: number;
}

export interface SettingDefinition {
  key: string;
  group: SettingGroup;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  type: SettingType;
  defaultValue: SettingValue;
  /** Integers: the inclusive range. Strings: the length range. */
  min?: number;
  max?: number;
  /** Objects: each property is an integer within its range. */
  properties?: Record<string, Bounds>;
}

const integer = (
  key: keyof SecurityPolicy,
  nameZh: string,
  nameEn: string,
  descriptionZh: string,
  descriptionEn: string,
  min: number,
  max: number,
): SettingDefinition => ({
  key,
  group: 'security',
  nameZh,
  nameEn,
  descriptionZh,
  descriptionEn,
  type: 'integer',
  defaultValue: defaultSecurityPolicy[key],
  min,
  max,
});

/** Security policy settings: one per field of SecurityPolicy, bounds per MLPS 2.0 level 3. */
const securitySettings: SettingDefinition[] = [
  integer(
    'maxFailedLogins',
    '登录失败锁定次数',
    'Failed sign-ins before lock',
    '连续输错密码或动态口令达到该次数后锁定账号',
    'The account locks after this many consecutive failed sign-ins',
    3,
    10,
  ),
  integer(
    'lockMinutes',
    '锁定时长（分钟）',
    'Lock duration (minutes)',
    '账号锁定后多少分钟自动解锁',
    'How long a locked account stays locked',
    5,
    1440,
  ),
  integer(
    'idleMinutes',
    '空闲超时（分钟）',
    'Idle timeout (minutes)',
    '会话无操作超过该时长即失效',
    'A session without activity for this long ends',
    5,
    120,
  ),
  integer(
    'sessionHours',
    '会话最长时长（小时）',
    'Maximum session length (hours)',
    '无论是否活动，会话在该时长后失效',
    'A session ends after this long, active or not',
    1,
    24,
  ),
  integer(
    'passwordMinLength',
    '密码最短长度',
    'Minimum password length',
    '新密码至少包含的字符数',
    'The fewest characters a new password may have',
    8,
    64,
  ),
  integer(
    'passwordCharacterClasses',
    '密码字符种类',
    'Password character classes',
    '新密码须包含的字符种类数（小写字母、大写字母、数字、符号）',
    'How many of lower case, upper case, digits and symbols a new password needs',
    2,
    4,
  ),
  integer(
    'passwordMaxAgeDays',
    '密码有效期（天）',
    'Password lifetime (days)',
    '密码使用超过该天数后须修改',
    'A password older than this must be changed',
    30,
    365,
  ),
  {
    key: 'totpRequiredForAdministrators',
    group: 'security',
    nameZh: '管理员须绑定动态口令',
    nameEn: 'Administrators need TOTP',
    descriptionZh: '系统管理员、安全管理员、审计管理员须先绑定动态口令（TOTP）才能办理业务',
    descriptionEn: 'The three administrators must bind a TOTP authenticator before doing any work',
    type: 'boolean',
    defaultValue: defaultSecurityPolicy.totpRequiredForAdministrators,
  },
];

const maskingBounds = (rule: MaskingRule): Record<string, Bounds> => ({
  keepStart: { min: 0, max: rule.keepStart },
  keepEnd: { min: 0, max: rule.keepEnd },
});

/**
 * System settings. Masking rules may be made stricter than the defaults, never looser: the
 * defaults already show as much as GB/T 35273 allows for telling people apart.
 */
const systemSettings: SettingDefinition[] = [
  {
    key: 'system.name',
    group: 'system',
    nameZh: '平台名称',
    nameEn: 'Platform name',
    descriptionZh: '显示在控制台页眉的平台或民政局名称',
    descriptionEn: 'The platform or bureau name shown in the console header',
    type: 'string',
    defaultValue: '助联社会救助平台',
    min: 1,
    max: 50,
  },
  {
    key: 'masking.idNumber',
    group: 'system',
    nameZh: '身份证号脱敏规则',
    nameEn: 'ID number masking',
    descriptionZh: '列表和详情中身份证号保留的前几位和后几位，其余以*显示',
    descriptionEn: 'How many leading and trailing characters of ID numbers stay visible',
    type: 'object',
    defaultValue: { ...defaultIdNumberMasking },
    properties: maskingBounds(defaultIdNumberMasking),
  },
  {
    key: 'masking.phone',
    group: 'system',
    nameZh: '手机号脱敏规则',
    nameEn: 'Phone number masking',
    descriptionZh: '列表和详情中电话号码保留的前几位和后几位，其余以*显示',
    descriptionEn: 'How many leading and trailing digits of phone numbers stay visible',
    type: 'object',
    defaultValue: { ...defaultPhoneMasking },
    properties: maskingBounds(defaultPhoneMasking),
  },
  {
    key: 'audit.retentionMonths',
    group: 'system',
    nameZh: '审计记录保存期限（月）',
    nameEn: 'Audit record retention (months)',
    descriptionZh: '审计记录和登录日志至少保存的月数（《网络安全法》第二十一条：不少于六个月）',
    descriptionEn: 'How many months audit records and sign-in logs are kept (at least six by law)',
    type: 'integer',
    defaultValue: MINIMUM_RETENTION_MONTHS,
    min: MINIMUM_RETENTION_MONTHS,
    max: 120,
  },
  {
    key: 'discovery.watchMarginPercent',
    group: 'system',
    nameZh: '临界线索的幅度（%）',
    nameEn: 'Margin for watch findings (%)',
    descriptionZh:
      '未享受且不符合某项政策、但每个不符合的数值条件都距标准线不超过该百分比的家庭，列为临界线索（如收入高出低保标准不足10%）',
    descriptionEn:
      'A household neither receiving nor eligible whose every failed numeric test is within this percentage of its line becomes a watch finding',
    type: 'integer',
    defaultValue: 10,
    min: 1,
    max: 50,
  },
  {
    key: 'discovery.dailyScreeningHour',
    group: 'system',
    nameZh: '每日自动筛查时间（时，北京时间）',
    nameEn: 'Hour of the daily screening (Beijing time)',
    descriptionZh: '每天在该整点对全部家庭进行一次政策筛查；设为 -1 则不自动筛查',
    descriptionEn: 'Every household is screened against the pool once a day at this hour; -1 turns it off',
    type: 'integer',
    defaultValue: 2,
    min: -1,
    max: 23,
  },
];

export const settingsCatalogue: readonly SettingDefinition[] = [...systemSettings, ...securitySettings];

export const securityPolicyKeys = securitySettings.map((s) => s.key as keyof SecurityPolicy);

export function findSettingDefinition(group: string, key: string): SettingDefinition | undefined {
  return settingsCatalogue.find((s) => s.group === group && s.key === key);
}

const typeNames: Record<SettingType, LocalizedText> = {
  integer: { zh: '整数', en: 'an integer' },
  boolean: { zh: '是或否（true/false）', en: 'true or false' },
  string: { zh: '文字', en: 'text' },
  object: { zh: '对象', en: 'an object' },
};

const rangeText = (min: number, max: number, what: LocalizedText): LocalizedText => ({
  zh: `应为${min}至${max}之间的${what.zh}`,
  en: `must be ${what.en} from ${min} to ${max}`,
});

/**
 * Why a value is not allowed for a setting (in Chinese and English, with the allowed range),
 * or undefined when it is. Stored values are checked again when read, so a bound narrowed in
 * a later release falls back to the default instead of running with a forbidden value.
 */
export function settingValueProblem(
  definition: SettingDefinition,
  value: unknown,
): LocalizedText | undefined {
  switch (definition.type) {
    case 'integer': {
      const min = definition.min ?? Number.MIN_SAFE_INTEGER;
      const max = definition.max ?? Number.MAX_SAFE_INTEGER;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
        return rangeText(min, max, { zh: '整数', en: 'an integer' });
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : { zh: `应为${typeNames.boolean.zh}`, en: 'must be true or false' };
    case 'string': {
      const min = definition.min ?? 0;
      const max = definition.max ?? 1000;
      // Characters as people count them (code points), not UTF-16 units.
      const length = typeof value === 'string' ? Array.from(value).length : 0;
      if (typeof value !== 'string' || value.trim() !== value || length < min || length > max)
        return {
          zh: `应为${min}至${max}个字的文字，首尾不能有空格`,
          en: `must be text of ${min} to ${max} characters without leading or trailing spaces`,
        };
      return undefined;
    }
    case 'object': {
      const properties = definition.properties ?? {};
      const names = Object.keys(properties);
      const describe = (): LocalizedText => ({
        zh: `应为对象 { ${names.map((n) => `${n}: ${properties[n]?.min ?? 0}至${properties[n]?.max ?? 0}之间的整数`).join('，')} }`,
        en: `must be an object { ${names.map((n) => `${n}: an integer from ${properties[n]?.min ?? 0} to ${properties[n]?.max ?? 0}`).join(', ')} }`,
      });
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return describe();
      const record = value as Record<string, unknown>;
      if (Object.keys(record).some((k) => !(k in properties))) return describe();
      for (const [name, bounds] of Object.entries(properties)) {
        const v = record[name];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < bounds.min || v > bounds.max)
          return describe();
      }
      return undefined;
    }
  }
}
