import type { Kysely } from 'kysely';
import { AppError } from '../core/appError.ts';
import type { Database } from '../db/schema.ts';
import type { SecurityPolicy } from '../access/auth/securityPolicy.ts';
import { recordAudit } from '../access/audit/auditService.ts';
import type { MaskingRules } from '../registry/persons/personMasking.ts';
import type { MaskingRule } from '../core/masking.ts';
import {
  findSettingDefinition,
  securityPolicyKeys,
  settingsCatalogue,
  settingValueProblem,
  type SettingDefinition,
  type SettingGroup,
  type SettingValue,
} from './settingsCatalogue.ts';
import { listStoredSettings, saveSetting } from './settingsRepository.ts';

/** A catalogue setting with the value in force and who set it. */
export interface EffectiveSetting {
  definition: SettingDefinition;
  value: SettingValue;
  defaultValue: SettingValue;
  updatedAt: string | null;
  updatedBy: string | null;
  updatedByName: string | null;
}

/**
 * The settings in force, read from the `settings` table with a short in-process cache: a
 * change through this provider applies to the very next request; a change made by another
 * process within `cacheMs`.
 */
export interface SettingsProvider {
  list(group?: SettingGroup): Promise<EffectiveSetting[]>;
  value(key: string): Promise<SettingValue>;
  securityPolicy(): Promise<SecurityPolicy>;
  maskingRules(): Promise<MaskingRules>;
  /** Forget the cache (after a change). */
  invalidate(): void;
}

export interface SettingsProviderOptions {
  /**
   * Defaults of the security group in place of the catalogue's (the demo passes its relaxed
   * policy). Stored values still win.
   */
  securityDefaults?: SecurityPolicy;
  cacheMs?: number;
}

export function createSettingsProvider(
  db: Kysely<Database>,
  options: SettingsProviderOptions = {},
): SettingsProvider {
  const cacheMs = options.cacheMs ?? 5000;
  const defaultOf = (definition: SettingDefinition): SettingValue => {
    const base = options.securityDefaults;
    if (base && definition.group === 'security') return base[definition.key as keyof SecurityPolicy];
    return definition.defaultValue;
  };
  let cache: { at: number; settings: Promise<Map<string, EffectiveSetting>> } | undefined;

  const load = async (): Promise<Map<string, EffectiveSetting>> => {
    const stored = new Map((await listStoredSettings(db)).map((row) => [row.key, row]));
    const out = new Map<string, EffectiveSetting>();
    for (const definition of settingsCatalogue) {
      const row = stored.get(definition.key);
      const defaultValue = defaultOf(definition);
      let value = defaultValue;
      if (row) {
        const parsed = JSON.parse(row.value_json) as unknown;
        // A value a later release no longer allows falls back to the default.
        if (settingValueProblem(definition, parsed) === undefined) value = parsed as SettingValue;
      }
      out.set(definition.key, {
        definition,
        value,
        defaultValue,
        updatedAt: row?.updated_at ?? null,
        updatedBy: row?.updated_by ?? null,
        updatedByName: row?.updated_by_name ?? null,
      });
    }
    return out;
  };

  const current = (): Promise<Map<string, EffectiveSetting>> => {
    const now = Date.now();
    if (!cache || now - cache.at >= cacheMs) {
      const settings = load();
      cache = { at: now, settings };
      // A failed read is not cached: the next request tries again.
      settings.catch(() => {
        if (cache?.settings === settings) cache = undefined;
      });
    }
    return cache.settings;
  };

  const value = async (key: string): Promise<SettingValue> => {
    const setting = (await current()).get(key);
    if (!setting) throw new Error(`setting ${key} is not in the catalogue`);
    return setting.value;
  };

  return {
    list: async (group) =>
      [...(await current()).values()].filter((s) => !group || s.definition.group === group),
    value,
    securityPolicy: async () => {
      const settings = await current();
      const policy: Record<string, SettingValue> = {};
      for (const key of securityPolicyKeys) policy[key] = settings.get(key)?.value as SettingValue;
      return policy as unknown as SecurityPolicy;
    },
    maskingRules: async () => ({
      idNumber: (await value('masking.idNumber')) as unknown as MaskingRule,
      phone: (await value('masking.phone')) as unknown as MaskingRule,
    }),
    invalidate: () => {
      cache = undefined;
    },
  };
}

/**
 * Changes one setting: checks the value against the catalogue, stores it, makes it apply at
 * once, and audits the old and the new value.
 */
export async function changeSetting(
  db: Kysely<Database>,
  settings: SettingsProvider,
  change: { group: SettingGroup; key: string; value: unknown; actor: string; ip?: string | null },
  now = new Date().toISOString(),
): Promise<EffectiveSetting> {
  const definition = findSettingDefinition(change.group, change.key);
  if (!definition) throw new AppError('SETTING_NOT_FOUND', { key: change.key });
  const problem = settingValueProblem(definition, change.value);
  if (problem) {
    throw AppError.field('body.value', 'SETTING_INVALID', {
      name: { zh: definition.nameZh, en: definition.nameEn },
      reason: problem,
    });
  }
  settings.invalidate();
  const oldValue = await settings.value(definition.key);
  await saveSetting(db, {
    key: definition.key,
    value_json: JSON.stringify(change.value),
    updated_at: now,
    updated_by: change.actor,
  });
  settings.invalidate();
  await recordAudit(db, {
    actor: change.actor,
    action: 'setting.change',
    subjectType: 'setting',
    subjectId: definition.key,
    ip: change.ip ?? null,
    detail: { group: definition.group, key: definition.key, oldValue, newValue: change.value },
  });
  const updated = (await settings.list(definition.group)).find((s) => s.definition.key === definition.key);
  if (!updated) throw new Error(`setting ${definition.key} vanished`);
  return updated;
}
