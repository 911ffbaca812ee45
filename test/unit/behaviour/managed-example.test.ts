// examples/managed-instances (shown in the README) under Managed Instances against the fake
// Runtime API: six orders at once on two threads.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS, ROOT } from '../../fakes/spawn-runtime.ts';
import { start } from './harness.ts';

describe.each(NODE_MAJORS)('node %i: examples/managed-instances', (node) => {
  it('six orders overlap on two threads; each result and log record names its own invocation', async () => {
    const s = await start({
      node,
      taskRoot: join(ROOT, 'examples/managed-instances'),
      env: { AWS_LAMBDA_MAX_CONCURRENCY: '16', AWS_LAMBDA_NODEJS_WORKER_COUNT: '2' },
    });
    await s.api.nextCalls(2);
    const began = Date.now();
    const orders = [1, 2, 3, 4, 5, 6].map((orderId) => ({
      orderId,
      id: s.api.enqueue({ event: { orderId, delayMs: 400 }, traceId: `Root=1-order-${orderId}`, tenantId: `shop-${orderId % 2}` }),
    }));
    const results = await Promise.all(orders.map((o) => s.api.result(o.id)));
    expect(Date.now() - began).toBeLessThan(6 * 400);
    results.forEach((r, i) => {
      const { orderId, id } = orders[i]!;
      expect(r.json).toMatchObject({ orderId, requestId: id, traceId: `Root=1-order-${orderId}`, tenantId: `shop-${orderId % 2}` });
    });
    expect(new Set(results.map((r) => (r.json as { thread: number }).thread)).size).toBe(2);
    await s.waitLines(' received', 6);
    for (const { orderId, id } of orders) {
      const [line] = s.linesWith(`order ${orderId} received`);
      expect(JSON.parse(line!)).toMatchObject({ level: 'INFO', requestId: id, tenantId: `shop-${orderId % 2}` });
    }
  });
});
