// Results: what cannot be serialised, and payloads at Lambda's size limits, through the built
// runtime and its own HTTP/1.1 client.
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { start } from './harness.ts';

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('a result that cannot be serialised (circular, BigInt) is an error; the loop keeps serving', async () => {
    const s = await start({
      node,
      files: {
        'index.js': `
          exports.handler = async (event) => {
            if (event.kind === 'circular') { const o = { name: 'loop' }; o.self = o; return o; }
            if (event.kind === 'bigint') return { n: 10n };
            return { kind: event.kind };
          };
        `,
      },
    });
    const type = node >= 24 ? 'Runtime.JSONStringifyError' : 'Error';
    for (const kind of ['circular', 'bigint']) {
      const id = s.api.enqueue({ event: { kind } });
      const res = await s.api.result(id);
      expect(res.kind, kind).toBe('error');
      expect(res.request.headers['lambda-runtime-function-error-type']).toBe(type);
      expect(res.json).toMatchObject({ errorType: type, errorMessage: 'Unable to stringify response body' });
    }
    const ok = s.api.enqueue({ event: { kind: 'plain' } });
    expect((await s.api.result(ok)).json).toEqual({ kind: 'plain' });
    expect(s.rt.proc.exitCode).toBeNull();
  });

  it('a 6 MB event and a 5 MB response round-trip intact', async () => {
    const s = await start({
      node,
      files: {
        'index.js': `
          const { createHash } = require('node:crypto');
          exports.handler = async (event) => ({
            length: event.data.length,
            sha256: createHash('sha256').update(event.data).digest('hex'),
            unicode: event.unicode,
            echo: event.data.slice(0, 5 * 1024 * 1024),
          });
        `,
      },
    });
    // base64 of random bytes: any lost, reordered or doubled chunk shows up in the hash.
    const data = randomBytes(Math.floor((6 * 1024 * 1024 - 1024) * 0.75)).toString('base64');
    const unicode = 'é€𝄞'.repeat(100);
    const event = { data, unicode };
    expect(Buffer.byteLength(JSON.stringify(event))).toBeGreaterThan(6 * 1024 * 1024 - 2048);
    const id = s.api.enqueue({ event });
    const res = await s.api.result(id, 20_000);
    expect(res.kind).toBe('response');
    const body = res.json as { length: number; sha256: string; unicode: string; echo: string };
    expect(body.length).toBe(data.length);
    expect(body.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(body.unicode).toBe(unicode);
    expect(body.echo).toBe(data.slice(0, 5 * 1024 * 1024));
    expect(res.request.headers['content-length']).toBe(String(res.body.length));
    expect(res.body.length).toBeGreaterThan(5 * 1024 * 1024);

    // The same connection carries on.
    const small = s.api.enqueue({ event: { data: 'x', unicode: '' } });
    expect(((await s.api.result(small)).json as { length: number }).length).toBe(1);
  });
});
