import { afterEach, describe, expect, it } from 'vitest';
import { FakeRuntimeApi } from '../fakes/fake-runtime-api.ts';
import { NODE_MAJORS, ROOT, spawnRuntime, type RunningRuntime, type RuntimeKind } from '../fakes/spawn-runtime.ts';
import { join } from 'node:path';

let api: FakeRuntimeApi | undefined;
let rt: RunningRuntime | undefined;
afterEach(async () => {
  await rt?.kill();
  await api?.close();
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it.each<RuntimeKind>(['lambda-node', 'aws-lambda-ric'])('%s answers a hello invocation', async (kind) => {
    api = await FakeRuntimeApi.start();
    rt = spawnRuntime({ kind, node, api: api.address, taskRoot: join(ROOT, 'test/fixtures/hello'), handler: 'index.handler' });
    const id = api.enqueue({ event: { name: 'lambda' } });
    const res = await api.result(id);
    expect(res.kind).toBe('response');
    expect(res.json).toEqual({ hello: 'lambda' });
  });
});
