// Response streaming side by side with aws-lambda-ric (4.0.2 on Node 24, 3.3.0 on Node 22): the
// same handler, written into a fresh temporary folder, the same invocations; each posts its
// stream to its own recording fake Runtime API. Head, body bytes, trailers and log lines must match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { NODE_MAJORS, type NodeMajor } from '../fakes/spawn-runtime.ts';
import { FIXTURES, linesFor, normLine, normValue, resultOf, runPair, type Pair } from './harness.ts';
import type { RecordedRequest } from '../fakes/fake-runtime-api.ts';

const HANDLER = `
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
export const handler = awslambda.streamifyResponse(async (event, stream, context) => {
  switch (event.kind) {
    case 'plain': stream.write('hello '); stream.write(Buffer.from('world')); stream.end(); return;
    case 'object': stream.write({ a: 1 }); stream.end(new Uint8Array([33])); return;
    case 'content-type': stream.setContentType('text/plain; charset=utf-8'); stream.write('typed'); stream.end(); return;
    case 'too-late': stream.write('x'); try { stream.setContentType('text/html'); } catch (e) { console.log('caught', e.name, e.message); } stream.end(); return;
    case 'http': awslambda.HttpResponseStream.from(stream, { statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['c=1'] }).write('body'); stream.end(); return;
    case 'http-empty': awslambda.HttpResponseStream.from(stream, { statusCode: 204 }); stream.end(); return;
    case 'error-mid': stream.write('partial'); await new Promise((r) => setTimeout(r, 10)); throw new Error('boom');
    case 'error-first': throw new TypeError('early');
    case 'error-after-end': stream.end('done'); throw new Error('after');
    case 'throw-string': stream.write('x'); throw 'just a string';
    case 'return-value': stream.end('r'); return { ignored: true };
    case 'pipeline': await pipeline(Readable.from(['a', 'b', 'c']), stream); return;
    case 'late-end': stream.write('early,'); setTimeout(() => stream.end('late'), 50); return;
    case 'surface': stream.end(JSON.stringify({ keys: Object.keys(stream), hwm: stream.writableHighWaterMark, ctx: Object.keys(context) })); return;
    case 'empty': stream.end(); return;
  }
});
export const sync = awslambda.streamifyResponse((event, stream) => { stream.write('sync '); stream.end('handler'); });
`;
const KINDS = ['plain', 'object', 'content-type', 'too-late', 'http', 'http-empty', 'error-mid', 'error-first', 'error-after-end', 'throw-string', 'return-value', 'pipeline', 'late-end', 'surface', 'empty'];
const STREAM_HEADERS = ['lambda-runtime-function-response-mode', 'trailer', 'content-type', 'transfer-encoding'];

let dir = '';
const pairs = new Map<string, Pair>();
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambda-node-compare-streaming-'));
  writeFileSync(join(dir, 'index.mjs'), HANDLER);
  const fixture = relative(FIXTURES, dir);
  await Promise.all(
    NODE_MAJORS.flatMap((node) => [
      runPair({ node, fixture, handler: 'index.handler', invokes: KINDS.map((kind) => ({ requestId: kind, event: { kind } })) }).then((p) => pairs.set(`${node}`, p)),
      runPair({ node, fixture, handler: 'index.sync', invokes: [{ requestId: 'sync', event: {} }] }).then((p) => pairs.set(`${node}/sync`, p)),
    ]),
  );
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const head = (r: RecordedRequest | undefined) => Object.fromEntries(STREAM_HEADERS.map((h) => [h, r?.headers[h]]));
const trailers = (r: RecordedRequest | undefined) =>
  Object.fromEntries(
    Object.entries(r?.trailers ?? {}).map(([k, v]) => [k, k === 'lambda-runtime-function-error-body' ? normValue(JSON.parse(Buffer.from(v, 'base64').toString())) : v]),
  );

describe.each(NODE_MAJORS)('node %i: response streaming, side by side', (node: NodeMajor) => {
  it.each(KINDS)('%s: same head, body bytes, trailers and log lines', (kind) => {
    const { ric, ln } = pairs.get(`${node}`) as Pair;
    const r = resultOf(ric, kind);
    const l = resultOf(ln, kind);
    expect(r, 'aws-lambda-ric answered').toBeDefined();
    expect(l?.path).toBe(r?.path);
    expect(head(l)).toEqual(head(r));
    expect(l?.body).toEqual(r?.body);
    expect(trailers(l)).toEqual(trailers(r));
    expect(linesFor(ln, kind).map(normLine)).toEqual(linesFor(ric, kind).map(normLine));
  });

  it('documented difference: a non-async handler streams the same bytes; aws-lambda-ric logs an "Invoke Error", lambda-node does not', () => {
    const { ric, ln } = pairs.get(`${node}/sync`) as Pair;
    expect(resultOf(ln, 'sync')?.body.toString()).toBe('sync handler');
    expect(resultOf(ln, 'sync')?.body).toEqual(resultOf(ric, 'sync')?.body);
    expect(ric.stdout).toContain('Invoke Error');
    expect(ric.stdout).toContain('Streaming does not support non-async handlers.');
    expect(ln.stdout).not.toContain('Invoke Error');
  });
});
