// The function timeout as the RIE enforces it (AWS_LAMBDA_FUNCTION_TIMEOUT, seconds): it answers
// the caller itself, kills the runtime, and starts a fresh one for the next invoke.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';

let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('times out a 3 s handler at 1 s, then serves the next invoke from a new runtime', async () => {
    rie = await startRie({ node, taskRoot: join(import.meta.dirname, 'fixtures/timeout'), handler: 'index.handler', env: { AWS_LAMBDA_FUNCTION_TIMEOUT: '1' } });
    const t0 = Date.now();
    const slow = await rie.invoke({ ms: 3000 });
    const elapsed = Date.now() - t0;
    expect(slow.status).toBe(200);
    expect(slow.body).toBe('Task timed out after 1.00 seconds');
    expect(slow.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
    const slowLog = await slow.log();
    expect(slowLog.lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${slowLog.requestId}\\t.*Duration: 1000\\.00 ms\\t`));
    await rie.waitForLog(/\(rapid\) Reset initiated: Timeout$/, { rapid: true });

    const fast = await rie.invoke({ ms: 0 });
    expect(fast.status).toBe(200);
    const result = fast.json();
    expect(result.slept).toBe(0);
    const fastLog = await fast.log();
    expect(fastLog.requestId).not.toBe(slowLog.requestId);
    // A second init: module scope ran again, in another process.
    expect(rie.logs().filter((l) => l.endsWith('\tINFO\tinit'))).toHaveLength(2);
    expect(rie.rapidLogs().filter((l) => l.includes('INIT START'))).toHaveLength(2);
  });
});
