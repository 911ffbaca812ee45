// SIGTERM, seen from outside: Lambda sends it only to an environment with a registered extension,
// so the runtime registers an internal one (no events) during init when the function listens for
// SIGTERM, and exits 0 once the listeners' work is done. Against the recording fake here; under
// the real RIE, which also sends SIGTERM only with a registered extension, in test/rie/shutdown.test.ts.
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { exitWithin, NEXT, sleep, start } from './harness.ts';

const REGISTER = '/2020-01-01/extension/register';
const EXTENSION_NEXT = '/2020-01-01/extension/event/next';

const listening = (listener: string, handlerBody = 'return { ok: true };') => ({
  'index.mjs': `
    process.on('SIGTERM', ${listener});
    export const handler = async (event) => { ${handlerBody} };
  `,
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('a function that listens for SIGTERM: one internal extension registered (no events) and its /event/next parked, before the first /next', async () => {
    const s = await start({ node, files: listening(`() => console.log('SIGTERM listener ran')`) });
    await s.api.nextCalls(1);
    const [reg] = s.requestsTo(REGISTER);
    expect(reg?.method).toBe('POST');
    expect(reg?.headers['lambda-extension-name']).toBe('lambda-node-sigterm');
    expect(JSON.parse(reg!.body.toString())).toEqual({ events: [] });
    const [extNext] = s.requestsTo(EXTENSION_NEXT);
    expect(extNext?.headers['lambda-extension-identifier']).toMatch(/^[0-9a-f-]{36}$/);
    const order = s.api.requests.map((r) => r.path);
    expect(order.indexOf(REGISTER)).toBeLessThan(order.indexOf(NEXT));
    // It serves as usual.
    const id = s.api.enqueue({ event: {} });
    expect((await s.api.result(id)).json).toEqual({ ok: true });
  });

  it('SIGTERM: the listener runs, then the process exits 0 by itself', async () => {
    const s = await start({ node, files: listening(`() => console.log('SIGTERM listener ran')`) });
    await s.api.nextCalls(1);
    s.rt.proc.kill('SIGTERM');
    expect(await exitWithin(s.rt, 3000)).toEqual({ code: 0, signal: null });
    expect(s.linesWith('SIGTERM listener ran')).toHaveLength(1);
  });

  it('an async listener (a flush) finishes its work before the process exits', async () => {
    const s = await start({
      node,
      files: listening(`async () => { await new Promise((r) => setTimeout(r, 200)); console.log('flushed'); }`),
    });
    await s.api.nextCalls(1);
    s.rt.proc.kill('SIGTERM');
    expect((await exitWithin(s.rt, 3000)).code).toBe(0);
    expect(s.linesWith('flushed')).toHaveLength(1);
  });

  it('a listener whose work never ends: the runtime exits anyway, 450 ms after SIGTERM (Lambda kills at 500 ms), with process.exitCode', async () => {
    const s = await start({ node, files: listening(`() => { process.exitCode = 3; setInterval(() => {}, 1000); }`) });
    await s.api.nextCalls(1);
    const sent = Date.now();
    s.rt.proc.kill('SIGTERM');
    expect(await exitWithin(s.rt, 3000)).toEqual({ code: 3, signal: null });
    const took = Date.now() - sent;
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(1500);
  });

  it('SIGTERM while an invocation runs: its response is posted whole before the process exits', async () => {
    const s = await start({
      node,
      files: listening(`() => console.log('SIGTERM listener ran')`, `await new Promise((r) => setTimeout(r, 400)); return 'x'.repeat(200000);`),
    });
    await s.api.nextCalls(1);
    const id = s.api.enqueue({ event: {} });
    await sleep(100);
    s.rt.proc.kill('SIGTERM');
    const r = await s.api.result(id);
    expect(r.kind).toBe('response');
    expect(r.body.length).toBe(200002);
    expect((await exitWithin(s.rt, 3000)).code).toBe(0);
  });

  it('no SIGTERM listener: nothing registered, and SIGTERM ends the process as under the official runtime', async () => {
    const s = await start({ node, files: { 'index.mjs': 'export const handler = async () => 1;' } });
    await s.api.nextCalls(1);
    expect(s.requestsTo(REGISTER)).toHaveLength(0);
    s.rt.proc.kill('SIGTERM');
    expect(await exitWithin(s.rt, 3000)).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('registration refused: one warning, and the function is served', async () => {
    const s = await start({ node, files: listening(`() => {}`) });
    // (set before the runtime gets there: start() returns as soon as the process is spawned)
    s.api.faults = ({ path }) => (path === REGISTER ? { kind: 'status', status: 500, body: 'no' } : undefined);
    await s.api.nextCalls(1);
    const warnings = s.linesWith('Lambda will not send it');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('registering the internal extension failed');
    const id = s.api.enqueue({ event: {} });
    expect((await s.api.result(id)).json).toEqual({ ok: true });
  });
});
