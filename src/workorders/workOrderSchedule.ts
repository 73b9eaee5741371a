import type { FastifyBaseLogger } from 'fastify';
import type { WorkOrders } from './workOrders.ts';

/**
 * While the server runs: every `everyMs`, findings without an order are routed (so a warning a
 * screening run raises reaches its handler within about that long) and the clocks are swept for
 * near-due and overdue orders. One pass at a time; a failed pass is logged and the next tries again.
 */
export function startWorkOrderSchedule(
  workOrders: WorkOrders,
  log: FastifyBaseLogger,
  everyMs = 60_000,
): { stop: () => Promise<void> } {
  let working: Promise<void> | null = null;
  const pass = () => {
    if (working) return;
    working = (async () => {
      const routed = await workOrders.routeFindings({ kind: 'all' });
      if (routed.created > 0) log.info(routed, '线索已生成工单 findings routed to work orders');
      const swept = await workOrders.sweep();
      if (swept.nearDue + swept.overdue > 0) log.info(swept, '工单时限检查 work-order clocks swept');
    })()
      .catch((error: unknown) => {
        log.error({ err: error }, '工单派发或时限检查失败 work-order pass failed');
      })
      .finally(() => {
        working = null;
      });
  };
  const timer = setInterval(pass, everyMs);
  pass();
  return {
    stop: async () => {
      clearInterval(timer);
      await working;
    },
  };
}
