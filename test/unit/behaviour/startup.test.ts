// lambda-node's own contracts at start-up, where aws-lambda-ric crashes (README: differences).
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { exitWithin, invoke, NEXT, parseLine, PREFIX, start } from './harness.ts';

const hello = { 'index.js': `exports.handler = async (e, context) => ({ e, name: context.functionName, group: context.logGroupName, version: context.functionVersion });` };

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('AWS_LAMBDA_RUNTIME_API unset: one FATAL line saying so, exit 1', async () => {
    const s = await start({ node, files: hello, env: { AWS_LAMBDA_RUNTIME_API: undefined } });
    expect((await exitWithin(s.rt, 5000)).code).toBe(1);
    const lines = s.rt.lines();
    expect(lines).toHaveLength(1);
    expect(parseLine(lines[0] as string).level).toBe('FATAL');
    expect(lines[0]).toContain('AWS_LAMBDA_RUNTIME_API is not set');
  });

  it('AWS_LAMBDA_RUNTIME_API malformed: one FATAL line naming the value, exit 1', async () => {
    const s = await start({ node, files: hello, env: { AWS_LAMBDA_RUNTIME_API: 'http://127.0.0.1:9001/' } });
    expect((await exitWithin(s.rt, 5000)).code).toBe(1);
    const lines = s.rt.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('invalid AWS_LAMBDA_RUNTIME_API value "http://127.0.0.1:9001/": expected host:port');
    expect(s.api.requests).toHaveLength(0);
  });

  it('AWS_LAMBDA_FUNCTION_NAME, _VERSION and the log group missing: the context fields are undefined, no crash', async () => {
    const s = await start({
      node,
      files: hello,
      env: { AWS_LAMBDA_FUNCTION_NAME: undefined, AWS_LAMBDA_FUNCTION_VERSION: undefined, AWS_LAMBDA_LOG_GROUP_NAME: undefined },
    });
    for (let i = 0; i < 2; i++) {
      const id = s.api.enqueue({ event: i });
      expect((await s.api.result(id)).json).toEqual({ e: i });
    }
  });

  it('a response-streaming handler is accepted at init and streams (no /init/error)', async () => {
    const s = await start({
      node,
      files: { 'index.mjs': `export const handler = awslambda.streamifyResponse(async (event, stream) => { stream.end('x'); });` },
    });
    const r = await invoke(s);
    expect(r.kind).toBe('response');
    expect(r.body.toString()).toBe('x');
    expect(s.requestsTo(`${PREFIX}/init/error`)).toHaveLength(0);
  });
});

describe('node 22: _HANDLER unset or empty', () => {
  it.each([undefined, ''])('_HANDLER=%j: /init/error Runtime.MalformedHandlerName "Bad handler" (as 3.x), no invocation taken', async (handler) => {
    const s = await start({ node: 22, files: hello, env: { _HANDLER: handler } });
    s.api.enqueue({});
    const init = await s.api.initError();
    expect(JSON.parse(init.body.toString())).toMatchObject({ errorType: 'Runtime.MalformedHandlerName', errorMessage: 'Bad handler' });
    expect((await exitWithin(s.rt, 5000)).code).toBe(129);
    expect(s.requestsTo(NEXT)).toHaveLength(0);
  });
});
