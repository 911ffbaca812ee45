// The Runtime API gone for good: lambda-node retries /next within a 5 s budget, then exits 1 with
// one clear line (aws-lambda-ric exits at once). Kept apart from api-faults.test.ts because each
// case takes the whole budget: vitest runs the two files side by side.
import { describe, expect, it } from 'vitest';
import { exitWithin, NEXT, parseLine, start } from './harness.ts';

const handler = { 'index.js': `exports.handler = async () => 'ok';` };

describe('the Runtime API gone', () => {
  it('/next refused: exits 1 within about 5 s, with one line naming the path', async () => {
    const s = await start({ node: 24, files: handler });
    const id = s.api.enqueue({});
    await s.api.result(id);
    await s.api.nextCalls(2);
    const t0 = Date.now();
    await s.api.close();
    const exit = await exitWithin(s.rt, 8000);
    const elapsed = Date.now() - t0;
    expect(exit.code).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(4500);
    expect(elapsed).toBeLessThan(7000);
    const fatal = s.linesWith('Runtime API is unreachable');
    expect(fatal).toHaveLength(1);
    expect(parseLine(fatal[0] as string).level).toBe('FATAL');
    expect(fatal[0]).toContain('GET /2018-06-01/runtime/invocation/next');
    expect(s.rt.stderr()).toBe('');
  });

  it('/next answered 503 for good: a bounded number of tries (never spins), then exit 1 naming path and status', async () => {
    const s = await start({ node: 22, files: handler });
    s.api.faults = ({ path }) => (path === NEXT ? { kind: 'status', status: 503, body: 'no' } : undefined);
    const t0 = Date.now();
    const exit = await exitWithin(s.rt, 8000);
    expect(exit.code).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
    // 100 ms doubling within a 5 s budget: waits of 100, 200, 400, 800, 1600, then the 1900 left.
    expect(s.requestsTo(NEXT)).toHaveLength(7);
    const fatal = s.linesWith('Runtime API is unreachable');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain(`GET ${NEXT} answered 503`);
  });

  it('/next answered 403 (an answer, not an outage): not retried, exit 1 at once with one line saying the API refused', async () => {
    const s = await start({ node: 24, files: handler });
    s.api.faults = ({ path }) => (path === NEXT ? { kind: 'status', status: 403, body: '{"errorType":"InvalidStateTransition"}' } : undefined);
    const exit = await exitWithin(s.rt, 3000);
    expect(exit.code).toBe(1);
    expect(s.requestsTo(NEXT)).toHaveLength(1);
    const fatal = s.linesWith('lambda-node: the Runtime API');
    expect(fatal).toHaveLength(1);
    expect(parseLine(fatal[0] as string).level).toBe('FATAL');
    expect(fatal[0]).toContain(`the Runtime API refused the next invocation (GET ${NEXT}: GET ${NEXT} answered 403: {"errorType":"InvalidStateTransition"}); exiting.`);
  });
});
