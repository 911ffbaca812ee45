// Response streaming (awslambda.streamifyResponse) against the recording fake Runtime API: the
// head, the chunked body and the trailers as posted, per Node line. The same cases are compared
// byte for byte with aws-lambda-ric in test/compare/streaming.test.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { invoke, parseLine, PREFIX, sleep, start, type Started } from './harness.ts';

const handler = (body: string, options = '') => ({
  'index.mjs': `
    import { pipeline } from 'node:stream/promises';
    import { Readable } from 'node:stream';
    export const handler = awslambda.streamifyResponse(${body}${options});`,
});

const STREAM_HEADERS = {
  'lambda-runtime-function-response-mode': 'streaming',
  trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
  'transfer-encoding': 'chunked',
};

const errorBody = (trailers: Record<string, string>) => JSON.parse(Buffer.from(trailers['lambda-runtime-function-error-body'] as string, 'base64').toString());

describe.each(NODE_MAJORS)('node %i: response streaming', (node) => {
  it('a plain stream: streaming head, chunked body, default content type, no trailers', async () => {
    const s = await start({ node, files: handler(`async (event, stream) => { stream.write('hello '); stream.write(Buffer.from('world')); stream.write({ a: 1 }); stream.end(); }`) });
    const r = await invoke(s);
    expect(r.request.path).toBe(`${PREFIX}/invocation/${r.id}/response`);
    expect(r.request.headers).toMatchObject({ ...STREAM_HEADERS, 'content-type': 'application/octet-stream' });
    expect(r.request.headers['content-length']).toBeUndefined();
    expect(r.body.toString()).toBe('hello world{"a":1}');
    expect(r.request.trailers).toEqual({});
  });

  it('HttpResponseStream.from: the JSON prelude, exactly 8 NUL bytes, then the body; the integration content type', async () => {
    const s = await start({
      node,
      files: handler(`async (event, stream) => {
        stream = awslambda.HttpResponseStream.from(stream, { statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['c=1'] });
        stream.write('body'); stream.end(); }`),
    });
    const r = await invoke(s);
    expect(r.request.headers['content-type']).toBe('application/vnd.awslambda.http-integration-response');
    const prelude = Buffer.from(JSON.stringify({ statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['c=1'] }));
    expect(r.body).toEqual(Buffer.concat([prelude, Buffer.alloc(8), Buffer.from('body')]));
  });

  it('setContentType before the first write sets the header; after it, Runtime.InvalidStreamingOperation', async () => {
    const s = await start({
      node,
      files: handler(`async (event, stream) => {
        stream.setContentType('text/plain; charset=utf-8'); stream.write('x');
        try { stream.setContentType('text/html'); } catch (e) { console.log('CAUGHT', e.name, e.message); }
        stream.end(); }`),
    });
    const r = await invoke(s);
    expect(r.request.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await s.waitLines('CAUGHT'))[0]).toContain('CAUGHT Runtime.InvalidStreamingOperation Cannot set content-type, too late.');
  });

  it('an error thrown mid-stream: the body so far, then the error trailers (type, base64 JSON body); Invoke Error logged; the next invocation is served', async () => {
    const s = await start({
      node,
      files: handler(`async (event, stream) => {
        if (event.ok) { stream.end('fine'); return; }
        stream.write('partial'); await new Promise((r) => setTimeout(r, 10)); throw new TypeError('boom'); }`),
    });
    const r = await invoke(s);
    expect(r.kind).toBe('response');
    expect(r.body.toString()).toBe('partial');
    expect(Object.keys(r.request.trailers)).toEqual(['lambda-runtime-function-error-type', 'lambda-runtime-function-error-body']);
    expect(r.request.trailers['lambda-runtime-function-error-type']).toBe('TypeError');
    const body = errorBody(r.request.trailers);
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(body).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
    expect(body.trace[0]).toBe('TypeError: boom');
    const line = parseLine((await s.waitLines('Invoke Error'))[0] as string);
    expect(line).toMatchObject({ requestId: r.id, level: 'ERROR' });
    const next = await invoke(s, { ok: true });
    expect(next.body.toString()).toBe('fine');
    expect(next.request.trailers).toEqual({});
  });

  it('a thrown string: errorType "string", trace []', async () => {
    const s = await start({ node, files: handler(`async (event, stream) => { stream.write('x'); throw 'just a string'; }`) });
    const r = await invoke(s);
    expect(r.request.trailers['lambda-runtime-function-error-type']).toBe('string');
    expect(errorBody(r.request.trailers)).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] });
  });

  it('a return value: "Streaming handlers ignore return values." warning, the stream as written', async () => {
    const s = await start({ node, files: handler(`async (event, stream) => { stream.end('r'); return { ignored: true }; }`) });
    const r = await invoke(s);
    expect(r.body.toString()).toBe('r');
    const line = parseLine((await s.waitLines('Streaming handlers ignore return values.'))[0] as string);
    expect(line).toMatchObject({ requestId: r.id, level: 'WARN', message: 'Streaming handlers ignore return values.' });
  });

  it('an unfinished stream with nothing left to finish it: "Response stream is not finished." in the trailers; the runtime keeps serving', async () => {
    const s = await start({
      node,
      files: handler(`async (event, stream) => { if (event.ok) { stream.end('ok'); return; } stream.write('half'); }`),
    });
    const r = await invoke(s);
    expect(r.body.toString()).toBe('half');
    // 4.x reports an Error, 3.x a plain string (its ctxFail is given the message).
    const expected = node === 24 ? { errorType: 'Error', errorMessage: 'Response stream is not finished.' } : { errorType: 'string', errorMessage: 'Response stream is not finished.', trace: [] };
    expect(r.request.trailers['lambda-runtime-function-error-type']).toBe(expected.errorType);
    expect(errorBody(r.request.trailers)).toMatchObject(expected);
    expect((await invoke(s, { ok: true })).body.toString()).toBe('ok');
  });

  it('a stream ended later (from a timer) and one written through pipeline()', async () => {
    const s = await start({
      node,
      files: handler(`async (event, stream) => {
        if (event.pipe) return pipeline(Readable.from(['a', 'b', 'c']), stream);
        stream.write('early,'); setTimeout(() => stream.end('late'), 50); }`),
    });
    expect((await invoke(s)).body.toString()).toBe('early,late');
    const piped = await invoke(s, { pipe: true });
    expect(piped.body.toString()).toBe('abc');
    expect(piped.request.trailers).toEqual({});
  });

  it('documented difference: a non-async handler streams with no "Invoke Error" (aws-lambda-ric logs one)', async () => {
    const s = await start({ node, files: handler(`(event, stream) => { stream.write('sync '); setTimeout(() => stream.end('handler'), 20); }`) });
    const r = await invoke(s);
    expect(r.body.toString()).toBe('sync handler');
    expect(r.request.trailers).toEqual({});
    await s.api.nextCalls(2);
    expect(s.rt.stdout()).not.toContain('Invoke Error');
    expect(s.rt.stdout()).not.toContain('non-async');
  });

  it("the handler's highWaterMark option is the stream's writableHighWaterMark (default: Node's)", async () => {
    const s = await start({
      node,
      files: {
        'index.mjs': `
          export const handler = awslambda.streamifyResponse(async (e, stream) => { stream.end(String(stream.writableHighWaterMark)); }, { highWaterMark: 1024 });
          export const plain = awslambda.streamifyResponse(async (e, stream) => { stream.end(String(stream.writableHighWaterMark)); });`,
      },
    });
    expect((await invoke(s)).body.toString()).toBe('1024');
    const other = await start({ node, taskRoot: s.taskRoot, handler: 'index.plain' });
    expect((await invoke(other)).body.toString()).toBe('65536');
  });

  it('100 MB streamed with backpressure: peak RSS stays far below 100 MB over the baseline', async () => {
    const s = await start({
      node,
      files: {
        'index.mjs': `
          import { readFileSync } from 'node:fs';
          const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
          export const handler = awslambda.streamifyResponse(async (event, stream) => {
            if (event.report) { stream.end(String(hwm())); return; }
            const chunk = Buffer.alloc(1 << 20, 97);
            for (let i = 0; i < 100; i++) {
              if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
            }
            stream.end();
          });`,
      },
    });
    const baseline = Number((await invoke(s, { report: true })).body.toString());
    const big = await invoke(s, {}, 60_000);
    expect(big.body.length).toBe(100 * 1024 * 1024);
    expect(big.request.trailers).toEqual({});
    const status = readFileSync(`/proc/${s.rt.proc.pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    console.log(`node ${node}: runtime VmHWM baseline ${baseline} kB, after 100 MB streamed ${peakKb} kB (+${peakKb - baseline} kB)`);
    expect(peakKb - baseline).toBeLessThan(30 * 1024);
  }, 90_000);
});

describe('node 22: after a streamed invocation the next waits for the event loop to empty (3.x)', () => {
  const files = handler(`async (event, stream, context) => {
    if (event.noWait) context.callbackWaitsForEmptyEventLoop = false;
    setTimeout(() => console.log('TIMER DONE'), 300);
    stream.end('x'); }`);
  const nextAfter = async (s: Started, event: unknown) => {
    const r = await invoke(s, event);
    const at = r.request.at;
    const next = await s.api.nextCalls(2);
    return next.at - at;
  };
  it('by default: /next only after the pending timer ran', async () => {
    const s = await start({ node: 22, files });
    expect(await nextAfter(s, {})).toBeGreaterThanOrEqual(250);
    expect(s.linesWith('TIMER DONE')).toHaveLength(1);
  });
  it('callbackWaitsForEmptyEventLoop = false: /next at once', async () => {
    const s = await start({ node: 22, files });
    expect(await nextAfter(s, { noWait: true })).toBeLessThan(250);
    await sleep(10);
  });
});
