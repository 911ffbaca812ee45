// Managed Instances side by side: lambda-node and aws-lambda-ric 4.0.2 (the client of the managed
// runtime in this mode, on Node 22 too) on the same Node, each against its own recording fake,
// with the same overlapping invocations. What must match: each invocation's identity in the
// context, the InvokeStore and its log records, the record shape, no _X_AMZN_TRACE_ID. What is
// better on purpose (RUNTIME-DECISIONS.md): the tenant id in the store and records, one
// /init/error and exit 1, a thread pool left free by the parked polls.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FakeRuntimeApi } from '../fakes/fake-runtime-api.ts';
import { NODE_MAJORS, spawnRuntime, type NodeMajor, type RunningRuntime, type RuntimeKind } from '../fakes/spawn-runtime.ts';
import { FIXTURES, KINDS } from './harness.ts';

const INIT_ERROR = '/2018-06-01/runtime/init/error';
const running: Array<{ rt: RunningRuntime; api: FakeRuntimeApi }> = [];
afterEach(async () => {
  for (const { rt, api } of running.splice(0)) {
    await rt.kill();
    await api.close();
  }
});

async function launch(kind: RuntimeKind, node: NodeMajor, handler: string, env: Record<string, string>) {
  const api = await FakeRuntimeApi.start();
  const rt = spawnRuntime({ kind, node, api: api.address, taskRoot: join(FIXTURES, 'managed'), handler, env: { AWS_LAMBDA_MAX_CONCURRENCY: '16', ...env } });
  running.push({ rt, api });
  return { api, rt };
}

const jsonLines = (rt: RunningRuntime) =>
  rt
    .lines()
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('overlapping invocations: the same identity everywhere a handler or a log record looks, in both runtimes', async () => {
    const seen = new Map<RuntimeKind, unknown[]>();
    const logs = new Map<RuntimeKind, Record<string, unknown>[]>();
    await Promise.all(
      KINDS.map(async (kind) => {
        const { api, rt } = await launch(kind, node, 'identity.handler', { AWS_LAMBDA_NODEJS_WORKER_COUNT: '2' });
        await api.nextCalls(2, 20_000);
        const ids = [0, 1, 2, 3].map((i) => api.enqueue({ requestId: `mc-${i}`, event: { i }, traceId: `Root=1-mc-${i}`, tenantId: i % 2 ? `tenant-${i}` : undefined }));
        const results = await Promise.all(ids.map((id) => api.result(id, 20_000)));
        seen.set(kind, results.map((r) => r.json));
        // stdout is a pipe read apart from the Runtime API's socket: the lines may trail the posts.
        await api.waitFor(() => (jsonLines(rt).filter((r) => String(r.message).startsWith('said by ')).length >= 4 ? true : undefined), 5000, `4 log records from ${kind}`);
        logs.set(kind, jsonLines(rt));
      }),
    );
    const ric = seen.get('aws-lambda-ric') as Array<Record<string, unknown>>;
    const ln = seen.get('lambda-node') as Array<Record<string, unknown>>;
    // The tenant id in the InvokeStore: lambda-node only (a documented difference).
    const withoutStoreTenant = (r: Record<string, unknown>) => ({ ...r, storeTenant: undefined });
    expect(ln.map(withoutStoreTenant)).toEqual(ric.map(withoutStoreTenant));
    ln.forEach((r, i) => {
      expect(r).toMatchObject({ context: `mc-${i}`, store: `mc-${i}`, storeAfterAwait: `mc-${i}`, trace: `Root=1-mc-${i}`, envTrace: null });
      expect(r.storeTenant).toBe(i % 2 ? `tenant-${i}` : null);
      expect(ric[i]?.storeTenant).toBe(null);
    });
    // Log records: JSON, the same keys, each carrying the id of the invocation that logged.
    for (const kind of KINDS) {
      const said = (logs.get(kind) ?? []).filter((r) => String(r.message).startsWith('said by '));
      expect(said, kind).toHaveLength(4);
      for (const r of said) expect(r.requestId, kind).toBe(String(r.message).slice('said by '.length));
    }
    const keys = (kind: RuntimeKind) =>
      (logs.get(kind) ?? [])
        .filter((r) => String(r.message) === 'said by mc-0')
        .map((r) => Object.keys(r))[0];
    expect(keys('lambda-node')).toEqual(keys('aws-lambda-ric'));
  });

  it('a callback handler is refused with the same error; lambda-node posts one /init/error and exits 1 (4.x: one per thread, exit 0)', async () => {
    const runs = await Promise.all(
      KINDS.map(async (kind) => {
        const { api, rt } = await launch(kind, node, 'callback.handler', { AWS_LAMBDA_NODEJS_WORKER_COUNT: '3' });
        const exit = await Promise.race([rt.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
        return { kind, exit, posts: api.requests.filter((r) => r.path === INIT_ERROR).map((r) => JSON.parse(r.body.toString()) as Record<string, unknown>) };
      }),
    );
    const [ric, ln] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(ln.posts).toHaveLength(1);
    expect(ric.posts.length).toBe(3);
    const strip = (p: Record<string, unknown>) => ({ errorType: p.errorType, errorMessage: p.errorMessage });
    expect(strip(ln.posts[0]!)).toEqual(strip(ric.posts[0]!));
    expect(ln.posts[0]?.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(ln.exit?.code).toBe(1);
    expect(ric.exit?.code).toBe(0);
  });

  it('4 parked polls: aws-lambda-ric holds the 4-thread libuv pool with them, so fs work hangs; lambda-node leaves it free', async () => {
    const outcome = await Promise.all(
      KINDS.map(async (kind) => {
        const { api } = await launch(kind, node, 'threadpool.handler', { AWS_LAMBDA_NODEJS_WORKER_COUNT: '4', UV_THREADPOOL_SIZE: '4' });
        await api.nextCalls(4, 20_000);
        const id = api.enqueue({ event: {} });
        return api.result(id, 3000).then(
          (r) => r.kind,
          () => 'no answer in 3 s',
        );
      }),
    );
    expect(outcome).toEqual(['no answer in 3 s', 'response']);
  });
});
