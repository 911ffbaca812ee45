// Tenant isolation under the real RIE: its invoke endpoint takes X-Amz-Tenant-Id and passes it on
// as Lambda-Runtime-Aws-Tenant-Id (in its single-concurrency mode; not in its Managed Instances
// mode, see test/docker/functions.cases.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';

let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('the tenant id reaches context.tenantId, the InvokeStore (Node 24) and the JSON log record; none when not sent', async () => {
    rie = await startRie({ node, taskRoot: join(import.meta.dirname, 'fixtures/tenant'), handler: 'index.handler', env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } });
    const res = await rie.invoke({}, { 'X-Amz-Tenant-Id': 'tenant-blue' });
    // Node 22 (3.x) publishes no InvokeStore.
    expect(res.json()).toEqual({ contextTenant: 'tenant-blue', storeTenant: node === 24 ? 'tenant-blue' : null });
    const log = await res.log();
    const record = JSON.parse(log.runtime.find((l) => l.includes('tenant check')) as string);
    expect(record).toMatchObject({ requestId: log.requestId, tenantId: 'tenant-blue', message: 'tenant check' });

    const bare = await rie.invoke({});
    expect(bare.json()).toEqual({ contextTenant: null, storeTenant: null });
    const bareRecord = JSON.parse((await bare.log()).runtime.find((l) => l.includes('tenant check')) as string);
    expect(bareRecord).not.toHaveProperty('tenantId');
  });
});
