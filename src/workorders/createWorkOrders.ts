import type { AppContext } from '../http/appContext.ts';
import { loadRoutingRules } from './loadRoutingRules.ts';
import { LoggingChannel, type NotificationChannel } from './notificationChannels.ts';
import type { RoutingRules } from './routingRules.ts';
import { WorkOrders, type RuleInfo } from './workOrders.ts';

/**
 * The work-order service over an app's pools: what a finding's rule is called and which
 * department wrote it come from the policies, warnings and models in force; the routing rules
 * are loaded and checked against them on first use (the pools load lazily too).
 */
export function createWorkOrders(
  context: Pick<AppContext, 'db' | 'rules' | 'warnings' | 'models' | 'variables' | 'cipher'>,
  options: {
    channels?: NotificationChannel[];
    routingFile?: string;
    log?: (entry: object, message: string) => void;
  } = {},
): WorkOrders {
  let routing: RoutingRules | null = null;
  let infoFor: { versions: string; map: Map<string, RuleInfo> } | null = null;
  const ruleInfo = (policyId: string): RuleInfo | null => {
    const pools = [context.rules.pool, context.warnings.pool, context.models.pool];
    const versions = pools.map((p) => p.version).join('+');
    if (infoFor?.versions !== versions) {
      const map = new Map<string, RuleInfo>();
      pools.forEach((pool, i) => {
        for (const p of pool.policies)
          map.set(p.id, { name: p.name.zh, department: p.department, enrollable: i === 0 });
      });
      infoFor = { versions, map };
    }
    return infoFor.map.get(policyId) ?? null;
  };
  return new WorkOrders({
    db: context.db,
    routing: () => {
      routing ??= loadRoutingRules(
        {
          departments: new Set(context.variables.departments.map((d) => d.code)),
          ruleIds: new Set(
            [context.rules.pool, context.warnings.pool, context.models.pool].flatMap((p) =>
              p.policies.map((x) => x.id),
            ),
          ),
        },
        options.routingFile,
      );
      return routing;
    },
    ruleInfo,
    channels: options.channels ?? [new LoggingChannel(options.log ?? (() => undefined))],
    cipher: context.cipher,
  });
}
