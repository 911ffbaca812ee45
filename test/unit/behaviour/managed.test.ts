// Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set), seen from outside: the built runtime
// against the recording fake, which parks any number of /next calls and hands events out in the
// order they were parked. Each worker thread keeps one /next parked and runs any number of
// invocations at once; the cases below hold the worker count small to know which thread runs what.
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { exitWithin, NEXT, sleep, start, type Started } from './harness.ts';

const mc = (workers: number, extra: Record<string, string> = {}) => ({ AWS_LAMBDA_MAX_CONCURRENCY: '32', AWS_LAMBDA_NODEJS_WORKER_COUNT: String(workers), ...extra });

// Records what the invocation sees at its start and after a pause, from every place a user or a
// library reads its identity: the context, the InvokeStore, and the log record its console.log
// makes (the record's requestId is the runtime's; the message carries what the handler believes).
const observing = {
  'index.mjs': `
    import { threadId } from 'node:worker_threads';
    console.log('INIT thread ' + threadId);
    const store = () => globalThis.awslambda.InvokeStore;
    const seen = (context) => ({
      context: context.awsRequestId,
      store: store().getRequestId(),
      trace: store().getXRayTraceId(),
      tenant: store().getTenantId() ?? null,
      contextTenant: context.tenantId ?? null,
      envTrace: process.env._X_AMZN_TRACE_ID ?? null,
    });
    export const handler = async (event, context) => {
      const first = seen(context);
      console.log('START ' + context.awsRequestId);
      await new Promise((r) => setTimeout(r, event.ms ?? 300));
      console.log('END ' + context.awsRequestId);
      return { first, last: seen(context), thread: threadId, startedAt: event.startedAt, t0: Date.now() };
    };
  `,
};

/** A handler that fails as `failure` says when its event asks, else answers after event.ms. */
const failing = (failure: string) => ({
  'index.mjs': `
    import { threadId } from 'node:worker_threads';
    console.log('INIT thread ' + threadId);
    export const handler = async (event, context) => {
      ${failure}
      await new Promise((r) => setTimeout(r, event.ms));
      return { ok: context.awsRequestId, thread: threadId };
    };
  `,
});

const records = (s: Started, text: string) => s.linesWith(text).map((l) => JSON.parse(l) as Record<string, unknown>);

describe.each(NODE_MAJORS)('node %i, Managed Instances', (node) => {
  it('N slow invocations overlap in one process, and none sees another one\'s request id, trace id or tenant id', async () => {
    const s = await start({ node, files: observing, env: mc(2) });
    await s.api.nextCalls(2);
    const n = 8;
    const started = Date.now();
    const ids = Array.from({ length: n }, (_, i) =>
      s.api.enqueue({ event: { ms: 400 }, traceId: `Root=1-trace-${i}`, tenantId: i % 2 ? `tenant-${i}` : undefined }),
    );
    const results = await Promise.all(ids.map((id) => s.api.result(id)));
    const wall = Date.now() - started;
    // Serially 8 x 400 ms; at once, about one pause.
    expect(wall).toBeLessThan(2000);
    results.forEach((r, i) => {
      expect(r.kind).toBe('response');
      const body = r.json as { first: Record<string, unknown>; last: Record<string, unknown>; thread: number };
      const want = { context: ids[i], store: ids[i], trace: `Root=1-trace-${i}`, tenant: i % 2 ? `tenant-${i}` : null, contextTenant: i % 2 ? `tenant-${i}` : null, envTrace: null };
      expect(body.first).toEqual(want);
      expect(body.last).toEqual(want);
    });
    // Both threads served some.
    expect(new Set(results.map((r) => (r.json as { thread: number }).thread)).size).toBe(2);
    // Every log record carries the request id of the invocation whose code wrote it, though the
    // STARTs of all came before any END; tenant ids too.
    await s.waitLines('"END ', n);
    for (const word of ['START', 'END']) {
      const recs = records(s, `${word} `);
      expect(recs).toHaveLength(n);
      for (const r of recs) {
        const id = String(r.message).split(' ')[1];
        expect(r.requestId).toBe(id);
        const i = ids.indexOf(id as string);
        if (i % 2) expect(r.tenantId).toBe(`tenant-${i}`);
        else expect(r).not.toHaveProperty('tenantId');
      }
    }
    const lines = s.rt.lines();
    const lastStart = Math.max(...lines.map((l, i) => (l.includes('"START ') ? i : -1)));
    const firstEnd = lines.findIndex((l) => l.includes('"END '));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  it('streaming functions: two response streams at once on one thread, each its own connection; an error mid-stream goes in that stream\'s trailers only', async () => {
    const s = await start({
      node,
      env: mc(1),
      files: {
        'index.mjs': `
          export const handler = awslambda.streamifyResponse(async (event, stream, context) => {
            for (let i = 0; i < 3; i++) {
              stream.write(context.awsRequestId + ':' + i + ';');
              await new Promise((r) => setTimeout(r, 100));
            }
            if (event.fail) throw new Error('failed mid-stream');
            stream.end();
          });
        `,
      },
    });
    await s.api.nextCalls(1);
    const ok = s.api.enqueue({ event: {} });
    await s.api.nextCalls(2);
    const bad = s.api.enqueue({ event: { fail: true } });
    const [rOk, rBad] = await Promise.all([s.api.result(ok), s.api.result(bad)]);
    expect(rOk.body.toString()).toBe(`${ok}:0;${ok}:1;${ok}:2;`);
    expect(rOk.request.headers['lambda-runtime-function-response-mode']).toBe('streaming');
    expect(rOk.request.trailers['lambda-runtime-function-error-type']).toBeUndefined();
    expect(rBad.body.toString()).toBe(`${bad}:0;${bad}:1;${bad}:2;`);
    expect(rBad.request.trailers['lambda-runtime-function-error-type']).toBe('Error');
    // They overlapped: both bodies ended within 250 ms of each other (one after the other: 300 ms apart).
    expect(Math.abs(rOk.request.at - rBad.request.at)).toBeLessThan(250);
  });

  it('starts AWS_LAMBDA_NODEJS_WORKER_COUNT threads, each initialising once and keeping one /next parked', async () => {
    const s = await start({ node, files: observing, env: mc(3) });
    await s.waitLines('INIT thread', 3);
    await s.api.nextCalls(3);
    const id = s.api.enqueue({ event: { ms: 1 } });
    await s.api.result(id);
    await s.api.nextCalls(4); // the thread that ran it parked again
    expect(s.linesWith('INIT thread')).toHaveLength(3);
    expect(s.requestsTo(NEXT)).toHaveLength(4);
    // Log records are JSON in this mode, whatever AWS_LAMBDA_LOG_FORMAT says.
    expect(records(s, 'INIT thread')[0]).toMatchObject({ level: 'INFO', requestId: '-' });
  });

  it('an uncaught exception in one invocation: that one gets /error, its siblings in the same thread finish, a new thread replaces it', async () => {
    const s = await start({
      node,
      env: mc(1),
      files: failing(`if (event.crash) setTimeout(() => { throw new TypeError('crash in ' + context.awsRequestId); }, 50);`),
    });
    await s.api.nextCalls(1);
    const slow1 = s.api.enqueue({ event: { ms: 500 } });
    await s.api.nextCalls(2);
    const crash = s.api.enqueue({ event: { crash: true, ms: 10_000 } });
    await s.api.nextCalls(3);
    const slow2 = s.api.enqueue({ event: { ms: 500 } });

    const failed = await s.api.result(crash);
    expect(failed.kind).toBe('error');
    expect(failed.json).toMatchObject({ errorType: 'TypeError', errorMessage: `crash in ${crash}` });
    const [r1, r2] = await Promise.all([s.api.result(slow1), s.api.result(slow2)]);
    expect(r1.json).toMatchObject({ ok: slow1 });
    expect(r2.json).toMatchObject({ ok: slow2 });
    // The record of the crash carries the crashing invocation's request id.
    await s.waitLines('Uncaught Exception');
    const crashRecord = records(s, 'Uncaught Exception').concat(records(s, `crash in ${crash}`))[0];
    expect(crashRecord?.requestId).toBe(crash);
    // A new thread initialised and serves; the old one has exited (its parked /next dropped).
    await s.waitLines('INIT thread', 2);
    await sleep(300);
    const after = s.api.enqueue({ event: { ms: 1 } });
    const ra = await s.api.result(after);
    expect(ra.kind).toBe('response');
    expect((ra.json as { thread: number }).thread).not.toBe((r1.json as { thread: number }).thread);
    expect(s.rt.proc.exitCode).toBeNull();
  });

  it('process.exit() in one invocation: Runtime.ExitError for it, its siblings finish, the thread is replaced', async () => {
    const s = await start({
      node,
      env: mc(1),
      files: failing(`if (event.exit) { await new Promise((r) => setTimeout(r, 20)); process.exit(3); }`),
    });
    await s.api.nextCalls(1);
    const slow = s.api.enqueue({ event: { ms: 400 } });
    await s.api.nextCalls(2);
    const exits = s.api.enqueue({ event: { exit: true } });
    const failed = await s.api.result(exits);
    expect(failed.json).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect((failed.json as { errorMessage: string }).errorMessage).toContain(`RequestId: ${exits} Error: Runtime exited with error: exit status 3`);
    expect((await s.api.result(slow)).json).toMatchObject({ ok: slow });
    await s.waitLines('INIT thread', 2);
    await sleep(300);
    const after = s.api.enqueue({ event: { ms: 1 } });
    expect((await s.api.result(after)).kind).toBe('response');
  });

  it('an init error: exactly one /init/error however many threads fail, then exit 1', async () => {
    const s = await start({ node, env: mc(4), files: { 'index.mjs': `throw new Error('init failed here');` } });
    expect((await exitWithin(s.rt, 10_000)).code).toBe(1);
    const initErrors = s.requestsTo('/2018-06-01/runtime/init/error');
    expect(initErrors).toHaveLength(1);
    expect(JSON.parse(initErrors[0]!.body.toString())).toMatchObject({ errorType: 'Error', errorMessage: 'init failed here' });
    expect(s.requestsTo(NEXT)).toHaveLength(0);
  });

  it('a callback handler is refused at init on every Node version (4.x does so under Managed Instances)', async () => {
    const s = await start({ node, env: mc(2), files: { 'index.js': `exports.handler = (event, context, callback) => callback(null, 1);` } });
    expect((await exitWithin(s.rt, 10_000)).code).toBe(1);
    const [initError] = s.requestsTo('/2018-06-01/runtime/init/error');
    const body = JSON.parse(initError!.body.toString());
    expect(body.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(body.errorMessage).toContain(node === 22 ? 'when using Node.js 22 with Managed Instances' : 'starting with Node.js 24');
  });

  it('parked /next calls leave the libuv thread pool free: fs, crypto and zlib work run while 8 polls wait', async () => {
    const s = await start({
      node,
      env: mc(8, { UV_THREADPOOL_SIZE: '4' }),
      files: {
        'index.mjs': `
          import { pbkdf2 } from 'node:crypto';
          import { readFile } from 'node:fs/promises';
          import { gzip } from 'node:zlib';
          import { promisify } from 'node:util';
          export const handler = async () => {
            const t = Date.now();
            await Promise.all([
              promisify(pbkdf2)('pw', 'salt', 1000, 32, 'sha256'),
              readFile(new URL(import.meta.url)),
              promisify(gzip)('x'.repeat(1000)),
            ]);
            return { ms: Date.now() - t };
          };
        `,
      },
    });
    await s.api.nextCalls(8);
    const id = s.api.enqueue({});
    const r = await s.api.result(id, 5000);
    expect(r.kind).toBe('response');
    expect((r.json as { ms: number }).ms).toBeLessThan(2000);
  });
});
