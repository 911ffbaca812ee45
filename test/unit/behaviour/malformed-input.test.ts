// Deliberate improvements (RUNTIME-DECISIONS.md): a malformed header or event never kills the
// runtime. aws-lambda-ric crashes, aborts or exits on each of these, so there is nothing to
// compare with: the contract is lambda-node's own.
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { parseLine, start } from './harness.ts';

const handler = {
  'index.js': `
    exports.handler = async (event, context) => {
      console.log('RAN', context.awsRequestId);
      return {
        event,
        clientContext: context.clientContext === undefined ? 'undefined' : context.clientContext,
        identity: context.identity === undefined ? 'undefined' : context.identity,
        remaining: context.getRemainingTimeInMillis(),
      };
    };
  `,
};

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('Lambda-Runtime-Client-Context not JSON: the invocation runs with clientContext undefined, one warning line; the next is unaffected', async () => {
    const s = await start({ node, files: handler });
    const bad = s.api.enqueue({ event: { n: 1 }, clientContext: '{"client": nope' });
    const r1 = await s.api.result(bad);
    expect(r1.kind).toBe('response');
    expect(r1.json).toMatchObject({ event: { n: 1 }, clientContext: 'undefined' });

    const good = s.api.enqueue({ event: { n: 2 }, clientContext: '{"custom":{"k":"v"}}' });
    expect((await s.api.result(good)).json).toMatchObject({ event: { n: 2 }, clientContext: { custom: { k: 'v' } } });
    await s.waitLines('RAN', 2);

    const warnings = s.linesWith('Lambda-Runtime-Client-Context');
    expect(warnings).toHaveLength(1);
    const w = parseLine(warnings[0] as string);
    expect(w.level).toBe('WARN');
    expect(w.requestId).toBe(bad);
    expect(w.message).toMatch(/^Ignoring the Lambda-Runtime-Client-Context header: it is not valid JSON .*; the context field is undefined for this invocation\.$/);
    expect(s.rt.proc.exitCode).toBeNull();
  });

  it('Lambda-Runtime-Cognito-Identity not JSON: identity undefined, one warning', async () => {
    const s = await start({ node, files: handler });
    const id = s.api.enqueue({ cognitoIdentity: 'not json' });
    expect((await s.api.result(id)).json).toMatchObject({ identity: 'undefined' });
    await s.waitLines('RAN', 1);
    expect(s.linesWith('Ignoring the Lambda-Runtime-Cognito-Identity header')).toHaveLength(1);
  });

  it('Lambda-Runtime-Deadline-Ms malformed: runs, one warning, getRemainingTimeInMillis counts down from 900 000 ms', async () => {
    const s = await start({ node, files: handler });
    const id = s.api.enqueue({ deadlineMs: 'not-a-number' });
    const res = await s.api.result(id);
    expect(res.kind).toBe('response');
    const remaining = (res.json as { remaining: number }).remaining;
    expect(remaining).toBeGreaterThan(890_000);
    expect(remaining).toBeLessThanOrEqual(900_000);
    const warnings = await s.waitLines('lambda-runtime-deadline-ms');
    expect(parseLine(warnings[0] as string)).toMatchObject({ level: 'WARN', requestId: id });
    expect(warnings[0]).toContain('not a number ("not-a-number")');

    // A good deadline afterwards is honoured again, without a warning.
    const good = s.api.enqueue({ deadlineMs: Date.now() + 5000 });
    const left = ((await s.api.result(good)).json as { remaining: number }).remaining;
    expect(left).toBeGreaterThan(3000);
    expect(left).toBeLessThanOrEqual(5000);
    await s.waitLines('RAN', 2);
    expect(s.linesWith('lambda-runtime-deadline-ms')).toHaveLength(1);
  });

  it('/next body not JSON: /error Runtime.MalformedEvent for that request, the handler does not run, the runtime keeps serving', async () => {
    const s = await start({ node, files: handler });
    const bad = s.api.enqueue({ rawBody: '{"truncated": ' });
    const res = await s.api.result(bad);
    expect(res.kind).toBe('error');
    expect(res.request.headers['lambda-runtime-function-error-type']).toBe('Runtime.MalformedEvent');
    const body = res.json as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('Runtime.MalformedEvent');
    expect(body.errorMessage).toMatch(/^The invocation event is not valid JSON: /);

    const ok = s.api.enqueue({ event: { after: true } });
    expect((await s.api.result(ok)).json).toMatchObject({ event: { after: true } });
    // Only the second invocation ran the handler.
    expect(await s.waitLines('RAN', 1)).toHaveLength(1);
    expect(s.linesWith('RAN')[0]).toContain(ok);
    expect(s.rt.proc.exitCode).toBeNull();
  });
});
