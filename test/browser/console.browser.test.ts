import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing/eachDatabase.ts';
import {
  buildTestApp,
  ensureTestAccounts,
  injectAs,
  signIn,
  testContext,
} from '../../src/http/testing/buildTestApp.ts';
import { buildApp } from '../../src/http/app.ts';
import { createSettingsProvider } from '../../src/settings/settingsService.ts';
import { defaultSecurityPolicy, type SecurityPolicy } from '../../src/access/auth/securityPolicy.ts';
import { base32Decode, hotp } from '../../src/access/auth/totp.ts';
import { listChildren } from '../../src/areas/areaRepository.ts';
import { testFieldCipher } from '../../src/core/fieldCipher.ts';
import { makeResidentId } from '../../src/registry/residentId/index.ts';
import { createPerson } from '../../src/registry/persons/personService.ts';
import { systemScope } from '../../src/access/scope/dataScope.ts';
import { launchBrowser } from './launchBrowser.ts';
import { openConsolePage, signInAs, signOut } from './consolePage.ts';

/**
 * The console in a real Chromium against the real server (SQLite): sign-in, lockout, the
 * forced password change, area scope for a village worker and a township worker, and the
 * audit administrator who reads the audit log but cannot manage users. Each test gets a
 * fresh server (the sign-in rate limit is per server) over one database.
 */
describe('console (browser)', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let browser: Browser;
  let app: FastifyInstance | undefined;
  let page: Page | undefined;
  const problems: string[] = [];
  const areas = { county: '371082000000', town: '', village: '', neighbour: '', far: '' };

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
    const towns = (await listChildren(test.db, areas.county)).filter((a) => a.kind === 'town');
    const [town, otherTown] = towns;
    if (!town || !otherTown) throw new Error('Rongcheng has towns');
    const [village, neighbour] = await listChildren(test.db, town.code);
    const [far] = await listChildren(test.db, otherTown.code);
    if (!village || !neighbour || !far) throw new Error('villages missing');
    Object.assign(areas, {
      town: town.code,
      village: village.code,
      neighbour: neighbour.code,
      far: far.code,
    });
    // Three residents of the village, two of its neighbour in the same town, two elsewhere.
    const plan: [string, string][] = [
      [village.code, '本村甲'],
      [village.code, '本村乙'],
      [village.code, '本村丙'],
      [neighbour.code, '邻村甲'],
      [neighbour.code, '邻村乙'],
      [far.code, '外镇甲'],
      [far.code, '外镇乙'],
    ];
    let seq = 1;
    for (const [areaCode, name] of plan) {
      await createPerson(
        test.db,
        testFieldCipher(),
        {
          idNumber: makeResidentId('371082', `1980-03-${String(seq).padStart(2, '0')}`, seq),
          name,
          residenceAreaCode: areaCode,
          hukouAreaCode: areaCode,
          phone: `1390000000${seq}`,
        },
        systemScope,
      );
      seq += 1;
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await test.dispose();
  });
  afterEach(async () => {
    await page?.close();
    await app?.close();
    page = undefined;
    app = undefined;
    // No Content-Security-Policy violation or uncaught error on any page of the test.
    const seen = problems.splice(0);
    expect(seen).toEqual([]);
  });

  async function open(options: { policy?: SecurityPolicy } = {}): Promise<Page> {
    app = options.policy
      ? await buildApp({
          context: {
            ...testContext(test),
            settings: createSettingsProvider(test.db, { securityDefaults: options.policy }),
          },
        })
      : await buildTestApp(test, { as: null });
    page = await openConsolePage(browser, app, problems);
    return page;
  }

  /** Picks an option of an antd select: opens it, clicks the option, waits for the list to close. */
  /** Every finite animation on the page has ended (a dialog zooming in, a list sliding open). */
  async function settled(p: Page): Promise<void> {
    // A string: the tests are type-checked without the DOM's types.
    await p.evaluate(
      'Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => undefined))).then(() => undefined)',
    );
  }

  async function choose(p: Page, select: ReturnType<Page['getByLabel']>, option: string): Promise<void> {
    // The select around the labelled input shows the choice once it is made.
    const field = select.locator(
      'xpath=ancestor::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]',
    );
    const open = p.locator('.ant-select-dropdown:visible');
    for (let round = 0; round < 3; round += 1) {
      await settled(p);
      await select.click();
      await open.first().waitFor();
      await settled(p);
      // A click that lands while the list is still animating open can miss: try again.
      for (let attempt = 0; attempt < 3 && (await open.count()) > 0; attempt += 1) {
        // Short: while the dialog still zooms in, its container can take the pointer and the
        // list close under it — then the next round opens it again.
        await open
          .locator('.ant-select-item-option', { hasText: option })
          .first()
          .click({ timeout: 3_000 })
          .catch(() => undefined);
        await open
          .first()
          .waitFor({ state: 'hidden', timeout: 2_000 })
          .catch(() => undefined);
      }
      await expect.poll(() => open.count()).toBe(0);
      // The list can also close without taking the click: then the choice is made again.
      if (((await field.textContent()) ?? '').includes(option)) return;
    }
    throw new Error(`未能选中「${option}」`);
  }

  /**
   * Submits a dialog and waits for it to close. On a loaded machine a click during the dialog's
   * animation can be lost: an idempotent form (`retry`) is submitted again; a dialog still open
   * at the end fails with what it says (a form error shows there).
   */
  async function submitDialog(dialog: Locator, button: RegExp, retry: boolean): Promise<void> {
    for (let attempt = 0; attempt < (retry ? 3 : 1); attempt++) {
      await dialog.getByRole('button', { name: button }).dispatchEvent('click');
      const closed = await dialog
        .waitFor({ state: 'hidden', timeout: retry ? 5_000 : 15_000 })
        .then(() => true)
        .catch(() => false);
      if (closed) return;
    }
    throw new Error(`对话框未关闭：${(await dialog.textContent()) ?? ''}`);
  }

  async function menuLabels(p: Page): Promise<string[]> {
    return (await p.getByTestId('main-menu').locator('.ant-menu-title-content').allTextContents()).map((s) =>
      s.trim(),
    );
  }

  /** A new account made by the system administrator through the API, with its one-time password. */
  async function newAccount(username: string): Promise<string> {
    if (!app) throw new Error('open() first');
    const admin = injectAs(app, await signIn(app, 'sysadmin'));
    const orgs = await admin({ method: 'GET', url: '/api/organisations' });
    const bureau = orgs
      .json<{ items: { id: string; kind: string }[] }>()
      .items.find((o) => o.kind === 'bureau');
    const created = await admin({
      method: 'POST',
      url: '/api/users',
      payload: { username, displayName: '测试用户', organisationId: bureau?.id, roleCodes: ['county_staff'] },
    });
    expect(created.statusCode).toBe(201);
    return created.json<{ initialPassword: string }>().initialPassword;
  }

  it('signs in, shows the pages the roles allow, says how many attempts are left, and switches to English', async () => {
    const p = await open();
    await signInAs(p, 'county', 'wrong-password-1');
    await expect.poll(() => p.getByTestId('signin-error').textContent()).toContain('还可尝试4次');
    await signInAs(p, 'county');
    await p.getByTestId('welcome').waitFor();
    expect(await p.getByTestId('welcome').textContent()).toContain('欢迎');
    const menu = await menuLabels(p);
    expect(menu).toContain('人员查询');
    expect(menu).not.toContain('用户管理');
    expect(menu).not.toContain('审计日志');
    await p.getByTestId('language-switch').click();
    await expect.poll(() => menuLabels(p)).toContain('Persons');
    await p.getByTestId('language-switch').click();
    await expect.poll(() => menuLabels(p)).toContain('人员查询');
  });

  it('locks an account after 5 failed sign-ins, and says for how long', async () => {
    const p = await open();
    await newAccount('lock.me');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await signInAs(p, 'lock.me', `Wrong-Password-${attempt}`);
      await expect
        .poll(() => p.getByTestId('signin-error').textContent())
        .toMatch(attempt < 5 ? `还可尝试${5 - attempt}次` : '已锁定');
    }
    // Even the right password is refused while the lock lasts.
    const locked = await test.db
      .selectFrom('users')
      .select('locked_until')
      .where('username', '=', 'lock.me')
      .executeTakeFirstOrThrow();
    expect(locked.locked_until).not.toBeNull();
    await signInAs(p, 'lock.me', 'Wrong-Password-6');
    await expect.poll(() => p.getByTestId('signin-error').textContent()).toContain('10分钟后再试');
  });

  it('forces a new account to change its initial password, then signs in with the new one', async () => {
    const p = await open();
    const initial = await newAccount('first.time');
    await signInAs(p, 'first.time', initial);
    await p.getByText('首次登录或密码已过期，请先修改密码').waitFor();
    // A password that breaks the policy is refused with the server's reason.
    await p.getByLabel('原密码').fill(initial);
    await p.getByLabel('新密码', { exact: true }).fill('short');
    await p.getByLabel('确认新密码').fill('short');
    await p.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => p.getByTestId('form-error').textContent()).toContain('新密码');
    await p.getByLabel('新密码', { exact: true }).fill('Brand-New-Pass-2026');
    await p.getByLabel('确认新密码').fill('Brand-New-Pass-2026');
    await p.getByRole('button', { name: '修改密码' }).click();
    await p.getByTestId('signin-notice').waitFor();
    expect(await p.getByTestId('signin-notice').textContent()).toContain('请用新密码重新登录');
    await signInAs(p, 'first.time', 'Brand-New-Pass-2026');
    await p.getByTestId('welcome').waitFor();
  });

  it('shows a village worker only their own village, with no way to switch and no admin pages', async () => {
    const p = await open();
    await signInAs(p, 'village');
    await p.getByTestId('welcome').waitFor();
    await p.getByTestId('current-area').waitFor();
    const villageName = (
      await test.db
        .selectFrom('areas')
        .select('name')
        .where('code', '=', areas.village)
        .executeTakeFirstOrThrow()
    ).name;
    expect(await p.getByTestId('current-area').textContent()).toBe(villageName);
    expect(await p.getByTestId('area-switch').count()).toBe(0);
    expect(await menuLabels(p)).not.toContain('用户管理');
    await p.goto(p.url().replace(/#.*$/, '') + '#/persons');
    const table = p.getByTestId('persons-table');
    await table.getByText('本村甲').waitFor();
    const names = await table.locator('tbody tr td:first-child').allTextContents();
    expect(names.sort()).toEqual(['本村丙', '本村乙', '本村甲']);
    // Residence shows the area's name (its code on hover): every row is the worker's village.
    await expect
      .poll(async () => new Set(await table.locator('tbody tr td:nth-child(6)').allTextContents()))
      .toEqual(new Set([villageName]));
    const cells = await table.locator('tbody tr td:nth-child(6) span').all();
    const codes = await Promise.all(cells.map((cell) => cell.getAttribute('title')));
    expect(new Set(codes)).toEqual(new Set([areas.village]));
    // Numbers are masked by the server, and this role has no way to reveal them.
    expect(await table.getByText(/^371082\*{8}\w{4}$/).count()).toBe(3);
    expect(await p.getByRole('button', { name: '查看明文' }).count()).toBe(0);
    // A page outside the role is refused in the console, and the API refuses it too.
    await p.goto(p.url().replace(/#.*$/, '') + '#/users');
    await p.getByTestId('no-permission').waitFor();
  });

  it('lets a township worker narrow the view to one of its villages and nothing outside the town', async () => {
    const p = await open();
    await signInAs(p, 'township');
    await p.getByTestId('welcome').waitFor();
    await p.goto(p.url().replace(/#.*$/, '') + '#/persons');
    const table = p.getByTestId('persons-table');
    await table.getByText('邻村甲').waitFor();
    const names = await table.locator('tbody tr td:first-child').allTextContents();
    expect(names.sort()).toEqual(['本村丙', '本村乙', '本村甲', '邻村乙', '邻村甲'].sort());
    // Switch the area to the neighbouring village through the tree in the header.
    await p.getByTestId('area-switch').click();
    await p.locator('.ant-select-tree-switcher').first().click();
    const neighbourName = (
      await test.db
        .selectFrom('areas')
        .select('name')
        .where('code', '=', areas.neighbour)
        .executeTakeFirstOrThrow()
    ).name;
    await p.locator('.ant-select-tree-title', { hasText: neighbourName }).click();
    await expect
      .poll(async () => (await table.locator('tbody tr td:first-child').allTextContents()).sort())
      .toEqual(['邻村乙', '邻村甲']);
  });

  it('gives the audit administrator the audit log and sign-in log, but not user management', async () => {
    const p = await open();
    if (!app) throw new Error('no app');
    // Some activity to find: the county worker searches persons.
    const county = injectAs(app, await signIn(app, 'county'));
    expect((await county({ method: 'GET', url: `/api/persons?area=${areas.village}` })).statusCode).toBe(200);
    await signInAs(p, 'auditadmin');
    await p.getByTestId('welcome').waitFor();
    const menu = await menuLabels(p);
    expect(menu).toEqual(expect.arrayContaining(['审计日志', '登录日志']));
    expect(menu).not.toContain('用户管理');
    expect(menu).not.toContain('角色权限');
    expect(menu).not.toContain('人员查询');
    await p.goto(p.url().replace(/#.*$/, '') + '#/audit');
    const table = p.getByTestId('audit-table');
    await table.getByText('person.search').first().waitFor();
    // Filter by action: only sign-ins remain.
    await p.getByTestId('audit-action-filter').fill('auth.login');
    await p.getByRole('button', { name: /查\s*询/ }).click();
    await expect
      .poll(async () => new Set(await table.locator('tbody tr td:nth-child(5)').allTextContents()))
      .toEqual(new Set(['auth.login']));
    // Records keep user ids; the page names the person behind each.
    await table.getByText('（auditadmin）').first().waitFor();
    await p.getByTestId('verify-audit').click();
    await expect.poll(() => p.getByTestId('verify-result').textContent()).toContain('审计链完整');
    await p.goto(p.url().replace(/#.*$/, '') + '#/login-log');
    await p.getByTestId('login-log-table').getByText('auditadmin').first().waitFor();
    await p.goto(p.url().replace(/#.*$/, '') + '#/users');
    await p.getByTestId('no-permission').waitFor();
    // Not only hidden: the server refuses the audit administrator's token on user management.
    const token = await p.evaluate<string | null>('sessionStorage.getItem("zhulian.token")');
    const users = await app.inject({
      method: 'GET',
      url: '/api/users',
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(users.statusCode).toBe(403);
  });

  it('makes an administrator bind a TOTP authenticator under the production policy, then asks for a code at sign-in', async () => {
    const p = await open({ policy: defaultSecurityPolicy });
    await signInAs(p, 'auditadmin');
    const secretText = await p.getByTestId('totp-secret').textContent();
    const secret = base32Decode(secretText ?? '');
    const step = Math.floor(Date.now() / 30_000);
    await p.getByLabel('动态口令').fill(hotp(secret, step));
    await p.getByRole('button', { name: /确\s*认/ }).click();
    await p.getByTestId('welcome').waitFor();
    await signOut(p, () => p.getByTestId('account-menu').hover());
    // The password alone no longer signs in: the page asks for the code, then lets the user in.
    await signInAs(p, 'auditadmin');
    await expect.poll(() => p.getByTestId('signin-error').textContent()).toContain('动态口令');
    await p.getByLabel('动态口令').fill(hotp(secret, step + 1));
    await p.getByRole('button', { name: /登\s*录/ }).click();
    await p.getByTestId('welcome').waitFor();
    expect(await menuLabels(p)).toContain('审计日志');
  });

  it('lets the system administrator read the dictionaries and change a masking rule, which the next list follows', async () => {
    const p = await open();
    if (!app) throw new Error('no app');
    await signInAs(p, 'sysadmin');
    await p.getByTestId('welcome').waitFor();
    const base = p.url().replace(/#.*$/, '');
    await p.goto(`${base}#/dictionaries`);
    await p.getByTestId('dictionary-list').getByText('relationship').click();
    await p.getByTestId('dictionary-entries').getByText('户主').first().waitFor();
    await p.goto(`${base}#/settings/system`);
    const row = p.getByTestId('settings-table').locator('tr', { hasText: 'masking.idNumber' });
    await row.getByRole('button', { name: /编\s*辑/ }).click();
    const dialog = p.getByRole('dialog');
    // The form fills in the current rule when it opens: wait for it, or a slow machine overwrites
    // the new value with the old one (CI saw the save keep keepEnd 4).
    await expect.poll(() => dialog.locator('input').nth(1).inputValue()).toBe('4');
    await dialog.locator('input').nth(1).fill('2');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(() => row.locator('code').textContent()).toBe('{"keepStart":6,"keepEnd":2}');
    // The county worker's next list follows the new rule: six characters, then only two.
    const county = injectAs(app, await signIn(app, 'county'));
    const list = await county({ method: 'GET', url: `/api/persons?area=${areas.village}` });
    const masks = list.json<{ items: { idNumberMasked: string }[] }>().items.map((x) => x.idNumberMasked);
    expect(masks.length).toBe(3);
    for (const mask of masks) expect(mask).toMatch(/^371082\*{10}\w{2}$/);
  });

  it('lets the system administrator create a user and an organisation from the console', async () => {
    const p = await open();
    await signInAs(p, 'sysadmin');
    await p.getByTestId('welcome').waitFor();
    const base = p.url().replace(/#.*$/, '');
    await p.goto(`${base}#/users`);
    await p.getByTestId('users-table').getByText('village').first().waitFor();
    await p.getByTestId('new-user').click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('账号').fill('wang.wu');
    await dialog.getByLabel('姓名').fill('王五');
    // Roles first: choosing the organisation afterwards closes the roles' list, and a
    // single choice closes its own, so nothing covers the dialog's button.
    await dialog.getByLabel('角色').click();
    await p
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '村（社区）' })
      .first()
      .click();
    await choose(p, dialog.getByLabel('所属机构'), '民政局');
    await dialog.getByRole('button', { name: /新\s*建/ }).click();
    const password = (await p.getByTestId('initial-password').textContent()) ?? '';
    expect(password.length).toBeGreaterThanOrEqual(10);
    const row = await test.db
      .selectFrom('users')
      .select(['display_name', 'must_change_password'])
      .where('username', '=', 'wang.wu')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ display_name: '王五', must_change_password: 1 });
    await p.keyboard.press('Escape');
    // Roles change afterwards too: add the township worker's role to the new account.
    const userRow = p.getByTestId('users-table').locator('tr', { hasText: 'wang.wu' });
    await userRow.getByRole('button', { name: '调整角色' }).click();
    await p.getByTestId('role-editor').click();
    await p
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '乡镇（街道）' })
      .first()
      .click();
    await p.getByRole('dialog').locator('.ant-modal-title').click();
    await expect.poll(() => p.locator('.ant-select-dropdown:visible').count()).toBe(0);
    // The choice is in the editor before it is saved (a click on a closing list can miss).
    await expect
      .poll(async () => (await p.getByTestId('role-editor').textContent()) ?? '')
      .toContain('乡镇（街道）');
    // Setting the same roles twice is harmless.
    await submitDialog(p.getByRole('dialog'), /保\s*存/, true);
    await userRow.getByText('乡镇（街道）工作人员').waitFor();
    // The organisation tree is the area tree: open the county, pick a town, add a partner there.
    await p.goto(`${base}#/organisations`);
    const tree = p.getByTestId('area-tree');
    await tree.locator('.ant-tree-switcher').first().click();
    const townName = (
      await test.db
        .selectFrom('areas')
        .select('name')
        .where('code', '=', areas.town)
        .executeTakeFirstOrThrow()
    ).name;
    await tree.getByText(townName, { exact: true }).click();
    await p.getByRole('button', { name: '新建机构' }).click();
    const orgDialog = p.getByRole('dialog');
    await orgDialog.getByLabel('姓名').fill('爱心护理队');
    await choose(p, orgDialog.getByLabel('机构类型'), '合作机构');
    await expect.poll(async () => (await orgDialog.textContent()) ?? '').toContain('合作机构');
    // Delivered to the button itself: on a loaded CI machine the list's closing animation still
    // covered it after the choice was made, and a pointer click waited on it until the timeout.
    await submitDialog(orgDialog, /确\s*定|OK/, false);
    await p.getByText('爱心护理队').waitFor();
    const org = await test.db
      .selectFrom('organisations')
      .select(['kind', 'area_code'])
      .where('name', '=', '爱心护理队')
      .executeTakeFirstOrThrow();
    expect(org).toEqual({ kind: 'partner', area_code: areas.town });
  });

  it('lets the security administrator make a role, and refuses one that joins administrator and business work', async () => {
    const p = await open();
    await signInAs(p, 'secadmin');
    await p.getByTestId('welcome').waitFor();
    await p.goto(p.url().replace(/#.*$/, '') + '#/roles');
    await p.getByTestId('roles-table').getByText('village_worker').waitFor();
    await p.getByRole('button', { name: '新建角色' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('角色编码').fill('mixed_role');
    await dialog.getByLabel('角色名称').fill('混合角色');
    await dialog.getByLabel('英文名称').fill('Mixed');
    await dialog.getByText('查看人员（registry:person:view）').click();
    await dialog.getByText('管理用户账号（system:user:manage）').click();
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await p.locator('.ant-message').getByText('不能同时拥有业务权限').waitFor();
    await dialog.getByText('管理用户账号（system:user:manage）').click();
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await p.getByTestId('roles-table').getByText('mixed_role').waitFor();
    const role = await test.db
      .selectFrom('roles')
      .select('permissions_json')
      .where('code', '=', 'mixed_role')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(role.permissions_json)).toEqual(['registry:person:view']);
    // The security policy page lists the lockout rule the tests above relied on.
    await p.goto(p.url().replace(/#.*$/, '') + '#/settings/security');
    await p.getByTestId('settings-table').getByText('maxFailedLogins').waitFor();
  });
});
