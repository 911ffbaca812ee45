import { describe, expect, it } from 'vitest';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ResponseStream, type ResponseSink } from '../../../src/stream/response-stream.ts';
import { HttpResponseStream } from '../../../src/stream/http-response-stream.ts';
import { postStreamingResponse } from '../../../src/api/requests.ts';

/** A sink that records what reaches it; `slow` holds each chunk's callback until release(). */
function sink(slow = false) {
  const rec = { opened: [] as string[], chunks: [] as Buffer[], trailers: undefined as Record<string, string> | undefined, ended: false, pending: [] as Array<() => void> };
  const open = (contentType: string): ResponseSink => {
    rec.opened.push(contentType);
    return {
      write(chunk, done) {
        rec.chunks.push(Buffer.from(chunk));
        if (slow) rec.pending.push(() => done());
        else done();
      },
      async end(trailers) {
        rec.ended = true;
        rec.trailers = trailers;
        return { accepted: true };
      },
    };
  };
  return { rec, open, release: () => rec.pending.splice(0).forEach((f) => f()) };
}

describe('ResponseStream', () => {
  it('opens the POST at the first write with the content type set so far; then refuses a new one', async () => {
    const { rec, open } = sink();
    const s = new ResponseStream(open, 4, undefined);
    s.setContentType('text/csv');
    s.write('a');
    expect(() => s.setContentType('x/y')).toThrow('Cannot set content-type, too late.');
    s.end('b');
    expect(await s.answered()).toEqual({ accepted: true });
    expect(rec.opened).toEqual(['text/csv']);
    expect(Buffer.concat(rec.chunks).toString()).toBe('ab');
    expect(rec.trailers).toBeUndefined();
  });

  it('HttpResponseStream.from on the surface: prelude JSON, 8 NULs, body', async () => {
    const { rec, open } = sink();
    const s = new ResponseStream(open, 4, undefined);
    const out = HttpResponseStream.from(s.surface(), { statusCode: 200 });
    out.end('hi');
    await s.answered();
    expect(rec.opened).toEqual(['application/vnd.awslambda.http-integration-response']);
    // end('hi') does not go through write(): no prelude, as in aws-lambda-ric
    expect(Buffer.concat(rec.chunks).toString()).toBe('hi');
    const { rec: rec2, open: open2 } = sink();
    const s2 = new ResponseStream(open2, 4, undefined);
    HttpResponseStream.from(s2.surface(), { statusCode: 200 }).write('x');
    s2.end();
    await s2.answered();
    expect(Buffer.concat(rec2.chunks)).toEqual(Buffer.concat([Buffer.from('{"statusCode":200}'), Buffer.alloc(8), Buffer.from('x')]));
  });

  it('backpressure: write() returns false at the highWaterMark until the sink has taken the chunk', async () => {
    const { rec, open, release } = sink(true);
    const s = new ResponseStream(open, 4, 8);
    expect(s.writableHighWaterMark).toBe(8);
    expect(s.write(Buffer.alloc(16))).toBe(false);
    const drained = new Promise((r) => s.once('drain', r));
    await new Promise((r) => setImmediate(r));
    release();
    await drained;
    s.end();
    await s.answered();
    expect(rec.ended).toBe(true);
  });

  it('fail(): ends the body with the error trailers, once; after a normal end it changes nothing', async () => {
    const { rec, open } = sink();
    const s = new ResponseStream(open, 4, undefined);
    s.write('x');
    await s.fail(new RangeError('bad'));
    expect(rec.trailers?.['Lambda-Runtime-Function-Error-Type']).toBe('RangeError');
    const body = JSON.parse(Buffer.from(rec.trailers?.['Lambda-Runtime-Function-Error-Body'] as string, 'base64').toString());
    expect(body).toMatchObject({ errorType: 'RangeError', errorMessage: 'bad' });
    const done = sink();
    const t = new ResponseStream(done.open, 4, undefined);
    t.end('ok');
    await t.answered();
    await t.fail(new Error('late'));
    expect(done.rec.trailers).toBeUndefined();
  });

  it('a destroyed stream still ends its body with the trailers', async () => {
    const { rec, open } = sink();
    const s = new ResponseStream(open, 3, undefined);
    s.write('x');
    s.destroy(new Error('gone'));
    await new Promise((r) => setImmediate(r));
    await s.fail(s.destroyError);
    expect(rec.trailers?.['Lambda-Runtime-Function-Error-Type']).toBe('Error');
  });

  it('works as a pipeline() destination through its surface', async () => {
    const { rec, open } = sink();
    const s = new ResponseStream(open, 4, undefined);
    await pipeline(Readable.from(['a', 'b']), s.surface());
    expect(Buffer.concat(rec.chunks).toString()).toBe('ab');
    expect(s.writableFinished).toBe(true);
  });
});

describe('postStreamingResponse', () => {
  it('is the head aws-lambda-ric sends', () => {
    expect(postStreamingResponse('id 1', 'text/plain')).toEqual({
      method: 'POST',
      path: '/2018-06-01/runtime/invocation/id%201/response',
      headers: {
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
        'Content-Type': 'text/plain',
        'Transfer-Encoding': 'chunked',
      },
    });
  });
});
