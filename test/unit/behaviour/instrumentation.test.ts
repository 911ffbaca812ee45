// The runtime's own Runtime API traffic is invisible to user instrumentation, as the official
// runtime's native client is: tracers patch http.request/fetch and subscribe to diagnostics
// channels, and none of that may see /next or the result posts. A probe invocation makes a
// request of its own to show the instrumentation does work.
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { start } from './harness.ts';

const instrumented = {
  'index.js': `
    const http = require('node:http');
    const https = require('node:https');
    const net = require('node:net');
    const dc = require('node:diagnostics_channel');
    const seen = [];
    for (const [name, mod] of [['http', http], ['https', https]]) {
      for (const fn of ['request', 'get']) {
        const original = mod[fn];
        mod[fn] = function (...args) { seen.push(name + '.' + fn); return original.apply(this, args); };
      }
    }
    const originalConnect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function (...args) { seen.push('net.Socket.connect'); return originalConnect.apply(this, args); };
    const originalFetch = globalThis.fetch;
    globalThis.fetch = function (...args) { seen.push('fetch'); return originalFetch.apply(this, args); };
    for (const channel of [
      'http.client.request.start',
      'http.client.request.created',
      'http.client.response.finish',
      'undici:request:create',
      'undici:client:connected',
      'net.client.socket',
    ]) {
      dc.subscribe(channel, () => seen.push('dc:' + channel));
    }

    exports.handler = async (event) => {
      if (event.fail) throw new Error('failing on purpose');
      if (event.probe) {
        // A request of the handler's own (to the same Runtime API host; any answer will do).
        await new Promise((resolve, reject) => {
          http.get('http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/probe', (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
        });
      }
      return seen.splice(0);
    };
  `,
};

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('patches of http/https/net/fetch and diagnostics_channel subscribers see nothing of the runtime across invocations', async () => {
    const s = await start({ node, files: instrumented });
    for (let i = 0; i < 4; i++) {
      const id = s.api.enqueue({ event: { i } });
      const res = await s.api.result(id);
      expect(res.json, `invocation ${i}`).toEqual([]);
    }
    // An error result is posted through the same client; the next invocation reports what that post showed.
    const failed = s.api.enqueue({ event: { fail: true } });
    expect((await s.api.result(failed)).kind).toBe('error');
    const afterError = s.api.enqueue({ event: {} });
    expect((await s.api.result(afterError)).json).toEqual([]);
    const probe = s.api.enqueue({ event: { probe: true } });
    const seen = (await s.api.result(probe)).json as string[];
    // The instrumentation itself works: the handler's own request shows up.
    expect(seen).toEqual(expect.arrayContaining(['http.get', 'dc:http.client.request.start', 'dc:net.client.socket']));
    // ... and after it, the runtime is invisible again.
    const after = s.api.enqueue({ event: {} });
    expect((await s.api.result(after)).json).toEqual([]);
    expect(s.api.requests.some((r) => r.path === '/probe')).toBe(true);
  });
});
