// The README's streaming example, run against the recording Runtime API: exactly what it posts.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRuntimeApi } from '../../fakes/fake-runtime-api.ts';
import { NODE_MAJORS, ROOT, spawnRuntime, type RunningRuntime } from '../../fakes/spawn-runtime.ts';

let api: FakeRuntimeApi | undefined;
let rt: RunningRuntime | undefined;
afterEach(async () => {
  await rt?.kill();
  await api?.close();
});

describe.each(NODE_MAJORS)('node %i: examples/streaming', (node) => {
  it('streams the HTTP prelude, 8 NUL bytes, then the lines, chunked, with no error trailers', async () => {
    api = await FakeRuntimeApi.start();
    rt = spawnRuntime({ node, api: api.address, taskRoot: join(ROOT, 'examples/streaming'), handler: 'index.handler' });
    const id = api.enqueue({ event: { name: 'the README' } });
    const res = await api.result(id);
    expect(res.kind).toBe('response');
    const h = res.request.headers;
    expect(h['lambda-runtime-function-response-mode']).toBe('streaming');
    expect(h['transfer-encoding']).toBe('chunked');
    expect(h['content-type']).toBe('application/vnd.awslambda.http-integration-response');
    const prelude = JSON.stringify({ statusCode: 200, headers: { 'content-type': 'text/plain' } });
    const expected = Buffer.concat([
      Buffer.from(prelude),
      Buffer.alloc(8),
      Buffer.from('line 1 of the README\nline 2 of the README\nline 3 of the README\n'),
    ]);
    expect(res.body.equals(expected)).toBe(true);
    expect(res.request.trailers).toEqual({});
  });
});
