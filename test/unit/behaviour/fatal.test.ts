// Deliberate improvements: what happens to an uncaught exception or unhandled rejection, by phase.
// aws-lambda-ric 4.x exits 1 posting nothing (during an invoke), or takes the next invocation
// and dies in it (idle); lambda-node posts /error for the invocation at fault, logs in 3.x's
// shapes and exits 129 / 128; while idle it exits at once.
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { exitWithin, NEXT, parseLine, PREFIX, sleep, start } from './harness.ts';

describe('node 24: a handler promise that never settles, with nothing left on the event loop', () => {
  it('gets /error Runtime.HandlerPromiseNeverSettled and the runtime keeps serving', async () => {
    const s = await start({
      node: 24,
      files: {
        'index.js': `
          exports.handler = async (event) => {
            console.log('RAN', event.mode);
            if (event.mode === 'never') return new Promise(() => {});
            if (event.mode === 'timer') return new Promise((resolve) => setTimeout(() => resolve('late but settled'), 200));
            return 'ok';
          };
        `,
      },
    });
    const never = s.api.enqueue({ event: { mode: 'never' } });
    const res = await s.api.result(never);
    expect(res.kind).toBe('error');
    expect(res.request.headers['lambda-runtime-function-error-type']).toBe('Runtime.HandlerPromiseNeverSettled');
    const body = res.json as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Runtime.HandlerPromiseNeverSettled');
    expect(body.errorMessage).toMatch(/^The handler's promise never settled, and nothing was left on the event loop that could settle it/);

    // A pending timer is not "nothing on the event loop": that promise settles and is answered.
    const timer = s.api.enqueue({ event: { mode: 'timer' } });
    expect((await s.api.result(timer)).json).toBe('late but settled');
    const ok = s.api.enqueue({ event: { mode: 'ok' } });
    expect((await s.api.result(ok)).json).toBe('ok');
    expect(s.rt.proc.exitCode).toBeNull();
    expect(s.rt.proc.signalCode).toBeNull();
  });
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  const handler = {
    'index.js': `
      exports.handler = async (event) => {
        console.log('RAN', event.mode);
        if (event.mode === 'throw-async') {
          setTimeout(() => { throw new TypeError('kaboom from a timer'); }, 20);
          await new Promise((r) => setTimeout(r, 2000));
          return 'not reached';
        }
        if (event.mode === 'reject') {
          Promise.reject(new RangeError('nobody catches me'));
          await new Promise((r) => setTimeout(r, 2000));
          return 'not reached';
        }
        if (event.mode === 'throw-later') {
          setTimeout(() => { throw new SyntaxError('thrown while idle'); }, 300);
          return 'answered';
        }
        if (event.mode === 'reject-later') {
          setTimeout(() => { Promise.reject(new EvalError('rejected while idle')); }, 300);
          return 'answered';
        }
        return 'ok';
      };
    `,
  };

  it('uncaught exception during an invoke: /error with its own errorType, "Uncaught Exception" log, exit 129', async () => {
    const s = await start({ node, files: handler });
    expect((await s.api.result(s.api.enqueue({ event: { mode: 'ok' } }))).json).toBe('ok');
    const id = s.api.enqueue({ event: { mode: 'throw-async' } });
    const res = await s.api.result(id);
    expect(res.kind).toBe('error');
    expect(res.request.headers['lambda-runtime-function-error-type']).toBe('TypeError');
    expect(res.json).toMatchObject({ errorType: 'TypeError', errorMessage: 'kaboom from a timer' });
    expect((res.json as { trace: string[] }).trace[0]).toBe('TypeError: kaboom from a timer');
    expect(res.request.headers['lambda-runtime-function-xray-error-cause']).toContain('"type":"TypeError"');
    expect((await exitWithin(s.rt, 5000)).code).toBe(129);

    const logged = s.linesWith('Uncaught Exception');
    expect(logged).toHaveLength(1);
    const line = parseLine(logged[0] as string);
    expect(line.level).toBe('ERROR');
    expect(line.requestId).toBe(id);
    expect(line.message.startsWith('Uncaught Exception \t{')).toBe(true);
    expect(JSON.parse(line.message.slice('Uncaught Exception \t'.length))).toMatchObject({ errorType: 'TypeError', errorMessage: 'kaboom from a timer' });
    // It died in that invocation: no further /next, and exactly one post for it.
    expect(s.requestsTo(NEXT)).toHaveLength(2);
    expect(s.postsFor(id)).toHaveLength(1);
  });

  it('unhandled rejection during an invoke: /error Runtime.UnhandledPromiseRejection, "Unhandled Promise Rejection" log, exit 128', async () => {
    const s = await start({ node, files: handler });
    const id = s.api.enqueue({ event: { mode: 'reject' } });
    const res = await s.api.result(id);
    expect(res.kind).toBe('error');
    expect(res.request.headers['lambda-runtime-function-error-type']).toBe('Runtime.UnhandledPromiseRejection');
    expect(res.json).toMatchObject({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'RangeError: nobody catches me' });
    expect((await exitWithin(s.rt, 5000)).code).toBe(128);
    const logged = s.linesWith('Unhandled Promise Rejection');
    expect(logged).toHaveLength(1);
    expect(parseLine(logged[0] as string)).toMatchObject({ level: 'ERROR', requestId: id });
    expect(s.requestsTo(NEXT)).toHaveLength(1);
  });

  it.each([
    ['uncaught exception', 'throw-later', 'Uncaught Exception', 'thrown while idle', 129],
    ['unhandled rejection', 'reject-later', 'Unhandled Promise Rejection', 'rejected while idle', 128],
  ])('%s while idle: logs and exits at once, takes no other invocation', async (_what, mode, label, message, code) => {
    const s = await start({ node, files: handler });
    const id = s.api.enqueue({ event: { mode } });
    const res = await s.api.result(id);
    expect(res.kind).toBe('response');
    expect(res.json).toBe('answered');
    // Idle: parked on /next with nothing queued. It must exit without anything arriving.
    await s.api.nextCalls(2);
    const exit = await exitWithin(s.rt, 3000);
    expect(exit.code).toBe(code);
    const logged = s.linesWith(label);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(message);

    // Nothing more was asked for or posted, and an invocation queued now is never taken.
    const later = s.api.enqueue({ event: { mode: 'ok' } });
    await sleep(200);
    expect(s.requestsTo(NEXT)).toHaveLength(2);
    expect(s.postsFor(later)).toHaveLength(0);
    expect(s.api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  // During init, lambda-node follows the official line of the Node version (this is not one of the
  // deliberate differences): 3.x (Node 22) reports an init error and exits 129 / 128; 4.x (Node 24)
  // leaves it to Node, which prints its report on stderr and exits 1, nothing posted.
  const initCases = [
    ['uncaught exception', `setTimeout(() => { throw new URIError('init went wrong'); }, 10);`, 'URIError', 'init went wrong', 129],
    ['unhandled rejection', `Promise.reject(new Error('rejected at init'));`, 'Runtime.UnhandledPromiseRejection', 'Error: rejected at init', 128],
  ] as const;
  it.each(initCases)('%s during init: never takes an invocation', async (_what, fault, errorType, errorMessage, code) => {
    const s = await start({
      node,
      files: {
        'index.mjs': `
          ${fault}
          await new Promise((r) => setTimeout(r, 1000));
          export const handler = async () => 'never served';
        `,
      },
    });
    s.api.enqueue({ event: {} });
    const exit = await exitWithin(s.rt, 5000);
    expect(s.requestsTo(NEXT)).toHaveLength(0);
    if (node === 22) {
      expect(exit.code).toBe(code);
      const init = s.requestsTo(`${PREFIX}/init/error`);
      expect(init).toHaveLength(1);
      expect(init[0]?.headers['lambda-runtime-function-error-type']).toBe(errorType);
      expect(JSON.parse(init[0]?.body.toString() ?? '')).toMatchObject({ errorType, errorMessage });
      expect(s.linesWith(code === 129 ? 'Uncaught Exception' : 'Unhandled Promise Rejection')).toHaveLength(1);
    } else {
      expect(exit.code).toBe(1);
      expect(s.api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
      expect(s.rt.stderr()).toContain(errorMessage.replace(/^Error: /, ''));
    }
  });
});
