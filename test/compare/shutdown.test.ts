// SIGTERM side by side: what the Lambda service sees of a function that listens for it. aws-lambda-ric
// registers no extension, so Lambda never sends it SIGTERM (the listener is dead code on Lambda);
// lambda-node registers one internal extension before its first /next (a documented difference).
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FakeRuntimeApi } from '../fakes/fake-runtime-api.ts';
import { NODE_MAJORS, spawnRuntime, type RunningRuntime } from '../fakes/spawn-runtime.ts';
import { FIXTURES, KINDS } from './harness.ts';

const REGISTER = '/2020-01-01/extension/register';
const running: Array<{ rt: RunningRuntime; api: FakeRuntimeApi }> = [];
afterEach(async () => {
  for (const { rt, api } of running.splice(0)) {
    await rt.kill();
    await api.close();
  }
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('documented difference: only lambda-node registers an extension (before its first /next), so only it gets SIGTERM on Lambda; both serve alike', async () => {
    const seen = await Promise.all(
      KINDS.map(async (kind) => {
        const api = await FakeRuntimeApi.start();
        const rt = spawnRuntime({ kind, node, api: api.address, taskRoot: join(FIXTURES, 'sigterm'), handler: 'index.handler' });
        running.push({ rt, api });
        const id = api.enqueue({ requestId: 'sigterm-1', event: {} });
        const result = (await api.result(id, 20_000)).json;
        const paths = api.requests.map((r) => `${r.method} ${r.path}`);
        return { kind, result, paths };
      }),
    );
    const [ric, ln] = seen as [(typeof seen)[0], (typeof seen)[0]];
    expect(ric.result).toBe('ok');
    expect(ln.result).toBe('ok');
    expect(ric.paths.filter((p) => p.endsWith(REGISTER))).toEqual([]);
    expect(ln.paths.indexOf(`POST ${REGISTER}`)).toBe(0);
    expect(ln.paths.indexOf('GET /2018-06-01/runtime/invocation/next')).toBeGreaterThan(0);
    // Apart from the extension's two requests, the Runtime API sees the same calls in the same order.
    expect(ln.paths.filter((p) => !p.includes('/2020-01-01/'))).toEqual(ric.paths);
  });
});
