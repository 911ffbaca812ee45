// The Runtime API retry policy, seen from outside: the built runtime against a fake that answers
// 5xx, resets, 413 or is gone. aws-lambda-ric exits at once on a /next failure and loses a result
// whose post failed; lambda-node retries within bounds and keeps the result (RUNTIME-DECISIONS.md).
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../fakes/fake-runtime-api.ts';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { NEXT, parseLine, start, type Started } from './harness.ts';

/** Answers the first `n` requests matching `match` with `fault`, then normally. */
function firstN(s: Started, match: (method: string, path: string) => boolean, n: number, fault: Fault) {
  let left = n;
  s.api.faults = ({ method, path }) => (match(method, path) && left-- > 0 ? fault : undefined);
}
const isNext = (m: string, p: string) => m === 'GET' && p === NEXT;
const isResponse = (m: string, p: string) => m === 'POST' && p.endsWith('/response');
const isError = (m: string, p: string) => m === 'POST' && p.endsWith('/error');

const counting = {
  'index.js': `
    let runs = 0;
    exports.handler = async (event, context) => {
      runs++;
      console.log('RAN', context.awsRequestId, runs);
      if (event.fail) throw new Error('handler failed, run ' + runs);
      if (event.bytes) return 'x'.repeat(event.bytes);
      return { runs, event };
    };
  `,
};

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('/next answered 500 three times, then an invocation: retried and served', async () => {
    const s = await start({ node, files: counting });
    firstN(s, isNext, 3, { kind: 'status', status: 500, body: 'try later' });
    const id = s.api.enqueue({ event: { a: 1 } });
    expect((await s.api.result(id)).json).toEqual({ runs: 1, event: { a: 1 } });
    expect(s.requestsTo(NEXT).length).toBe(4);
    expect(s.rt.proc.exitCode).toBeNull();
  });

  it('/next reset twice, then served', async () => {
    const s = await start({ node, files: counting });
    firstN(s, isNext, 2, { kind: 'reset' });
    const id = s.api.enqueue({ event: { b: 2 } });
    expect((await s.api.result(id)).json).toEqual({ runs: 1, event: { b: 2 } });
  });

  it('/response answered 500 twice, then 202: the same body posted again, the handler ran once', async () => {
    const s = await start({ node, files: counting });
    firstN(s, isResponse, 2, { kind: 'status', status: 500 });
    const id = s.api.enqueue({ event: { c: 3 } });
    await s.api.waitFor(() => (s.postsFor(id).length === 3 ? true : undefined), 5000, '3 posts');
    const posts = s.postsFor(id);
    expect(posts.map((p) => p.body.toString())).toEqual(Array(3).fill(JSON.stringify({ runs: 1, event: { c: 3 } })));
    // The runtime goes on to the next invocation; the handler ran once.
    await s.api.nextCalls(2);
    expect(await s.waitLines('RAN')).toHaveLength(1);
  });

  it('/response refused 3 times: the result is kept and posted when the same request id comes back; the handler runs once', async () => {
    const s = await start({ node, files: counting });
    firstN(s, isResponse, 3, { kind: 'status', status: 503, body: 'unavailable' });
    const id = 'redelivered-1';
    s.api.enqueue({ requestId: id, event: { d: 4 } });
    await s.api.nextCalls(2); // posts exhausted, back for more
    expect(s.postsFor(id)).toHaveLength(3);
    const kept = await s.waitLines('could not post the result');
    expect(kept).toHaveLength(1);
    expect(parseLine(kept[0] as string).level).toBe('ERROR');
    expect(kept[0]).toContain(id);

    // The Runtime API hands the same invocation out again: the kept result, not a second run.
    s.api.enqueue({ requestId: id, event: { d: 4 } });
    await s.api.waitFor(() => (s.postsFor(id).length === 4 ? true : undefined), 5000, 'the kept result');
    expect(s.postsFor(id)[3]?.body.toString()).toBe(JSON.stringify({ runs: 1, event: { d: 4 } }));
    expect(s.postsFor(id)[3]?.path).toMatch(/\/response$/);
    await s.api.nextCalls(3);
    const handedOut = await s.waitLines('was handed out again');
    expect(handedOut).toHaveLength(1);
    expect(parseLine(handedOut[0] as string).level).toBe('WARN');
    expect(s.linesWith('RAN')).toHaveLength(1);

    // Accepted now: the same id coming back once more is a new invocation (async retries reuse ids).
    s.api.enqueue({ requestId: id, event: { d: 5 } });
    await s.api.waitFor(() => (s.postsFor(id).length === 5 ? true : undefined), 5000, 'a fresh run');
    expect(JSON.parse(s.postsFor(id)[4]?.body.toString() ?? '')).toEqual({ runs: 2, event: { d: 5 } });
  });

  it('/error refused 3 times: the kept error is posted again on redelivery, the handler runs once', async () => {
    const s = await start({ node, files: counting });
    firstN(s, isError, 3, { kind: 'reset' });
    const id = 'redelivered-err';
    s.api.enqueue({ requestId: id, event: { fail: true } });
    await s.api.nextCalls(2);
    expect(s.postsFor(id)).toHaveLength(3);
    s.api.enqueue({ requestId: id, event: { fail: true } });
    await s.api.waitFor(() => (s.postsFor(id).length === 4 ? true : undefined), 5000, 'the kept error');
    const last = s.postsFor(id)[3];
    expect(last?.path).toMatch(/\/error$/);
    expect(JSON.parse(last?.body.toString() ?? '')).toMatchObject({ errorType: 'Error', errorMessage: 'handler failed, run 1' });
    await s.api.nextCalls(3);
    expect(await s.waitLines('RAN')).toHaveLength(1);
  });

  it('413 on /response: one clear error line with the size and the limit; the runtime keeps serving', async () => {
    const s = await start({ node, files: counting });
    const big = 'too-big';
    s.api.postStatus = (path) =>
      path.includes(big)
        ? { status: 413, body: '{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}' }
        : { status: 202, body: '{"status":"OK"}' };
    const bytes = 6 * 1024 * 1024 + 100;
    s.api.enqueue({ requestId: big, event: { bytes } });
    const res = await s.api.result(big);
    expect(res.body.length).toBe(bytes + 2); // the JSON string's quotes
    const ok = s.api.enqueue({ event: { after: true } });
    expect((await s.api.result(ok)).json).toEqual({ runs: 2, event: { after: true } });
    await s.waitLines('RAN', 2);
    const lines = s.linesWith('exceeds');
    expect(lines).toHaveLength(1);
    const line = parseLine(lines[0] as string);
    expect(line.level).toBe('ERROR');
    expect(line.requestId).toBe(big);
    expect(line.message).toContain(`its size (${bytes + 2} bytes)`);
    expect(line.message).toContain('(6291456 bytes)');
    expect(line.message).toContain('413');
    // 413 is final: posted once, not retried.
    expect(s.postsFor(big)).toHaveLength(1);
  });

  it('413 on /response in JSON log format: the error is one JSON record', async () => {
    const s = await start({ node, files: counting, env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } });
    s.api.postStatus = () => ({ status: 413, body: 'too large' });
    const id = s.api.enqueue({ event: { bytes: 10 } });
    await s.api.result(id);
    await s.api.nextCalls(2);
    const lines = await s.waitLines('exceeds');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0] as string);
    expect(rec).toMatchObject({ level: 'ERROR', requestId: id });
    expect(rec.message).toContain('its size (12 bytes)');
  });
});
