import { expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { defaultSecurityPolicy, demoSecurityPolicy } from '../access/auth/securityPolicy.ts';
import { AppError } from '../core/appError.ts';
import { saveSetting } from './settingsRepository.ts';
import { changeSetting, createSettingsProvider } from './settingsService.ts';

describeEachDatabase('settings provider', (getDb) => {
  const at = '2026-11-29T00:00:00.000Z';

  it('serves the code defaults until something is stored, then the stored value', async () => {
    const { db } = getDb();
    const settings = createSettingsProvider(db, { cacheMs: 0 });
    expect(await settings.securityPolicy()).toEqual(defaultSecurityPolicy);
    expect(await settings.maskingRules()).toEqual({
      idNumber: { keepStart: 6, keepEnd: 4 },
      phone: { keepStart: 3, keepEnd: 4 },
    });
    await saveSetting(db, { key: 'idleMinutes', value_json: '15', updated_at: at, updated_by: null });
    expect(await settings.securityPolicy()).toEqual({ ...defaultSecurityPolicy, idleMinutes: 15 });
    await saveSetting(db, { key: 'idleMinutes', value_json: '20', updated_at: at, updated_by: null });
    expect((await settings.securityPolicy()).idleMinutes).toBe(20);
  });

  it('takes base defaults for the security group (the demo), but a stored value still wins', async () => {
    const { db } = getDb();
    const demo = createSettingsProvider(db, { securityDefaults: demoSecurityPolicy, cacheMs: 0 });
    expect((await demo.securityPolicy()).totpRequiredForAdministrators).toBe(false);
    await saveSetting(db, {
      key: 'totpRequiredForAdministrators',
      value_json: 'true',
      updated_at: at,
      updated_by: null,
    });
    expect((await demo.securityPolicy()).totpRequiredForAdministrators).toBe(true);
  });

  it('caches for a while; another process’s change shows after the cache time or an invalidation', async () => {
    const { db } = getDb();
    const settings = createSettingsProvider(db, { cacheMs: 60_000 });
    const before = await settings.value('lockMinutes');
    await saveSetting(db, { key: 'lockMinutes', value_json: '30', updated_at: at, updated_by: null });
    expect(await settings.value('lockMinutes')).toBe(before);
    settings.invalidate();
    expect(await settings.value('lockMinutes')).toBe(30);
    // A change through the provider applies at once.
    await changeSetting(db, settings, { group: 'security', key: 'lockMinutes', value: 45, actor: 'test' });
    expect(await settings.value('lockMinutes')).toBe(45);
  });

  it('falls back to the default for a stored value the catalogue no longer allows', async () => {
    const { db } = getDb();
    const settings = createSettingsProvider(db, { cacheMs: 0 });
    await saveSetting(db, {
      key: 'audit.retentionMonths',
      value_json: '2',
      updated_at: at,
      updated_by: null,
    });
    expect(await settings.value('audit.retentionMonths')).toBe(6);
    await expect(
      changeSetting(db, settings, { group: 'system', key: 'audit.retentionMonths', value: 2, actor: 'test' }),
    ).rejects.toBeInstanceOf(AppError);
  });
});
