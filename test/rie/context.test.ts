// The context object as the RIE's environment and deadline header make it.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';

const TASK_ROOT = join(import.meta.dirname, 'fixtures/context');
let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('carries the RIE\'s defaults and a deadline from AWS_LAMBDA_FUNCTION_TIMEOUT', async () => {
    rie = await startRie({ node, taskRoot: TASK_ROOT, handler: 'index.handler', env: { AWS_LAMBDA_FUNCTION_TIMEOUT: '5' } });
    const res = await rie.invoke({ sleepMs: 200 });
    expect(res.status).toBe(200);
    const { remaining, ...context } = res.json();
    const log = await res.log();
    expect(context).toEqual({
      functionName: 'test_function',
      functionVersion: '$LATEST',
      memoryLimitInMB: '3008',
      logGroupName: '/aws/lambda/Functions',
      logStreamName: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:012345678912:function:test_function',
      awsRequestId: log.requestId,
    });
    const [first, second] = remaining;
    expect(Number.isInteger(first)).toBe(true);
    expect(first).toBeGreaterThan(4000);
    expect(first).toBeLessThanOrEqual(5000);
    // It counts down in real time: 200 ms of sleep between the two calls.
    expect(first - second).toBeGreaterThanOrEqual(190);
    expect(first - second).toBeLessThan(1000);
    expect(second).toBeGreaterThan(0);
  });

  it('takes the function\'s name, version, memory and log names from the environment the RIE got', async () => {
    const env = {
      AWS_LAMBDA_FUNCTION_NAME: 'orders',
      AWS_LAMBDA_FUNCTION_VERSION: '7',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/25/[7]0123456789abcdef',
    };
    rie = await startRie({ node, taskRoot: TASK_ROOT, handler: 'index.handler', env });
    const res = await rie.invoke({});
    const { remaining, ...context } = res.json();
    const log = await res.log();
    expect(context).toEqual({
      functionName: 'orders',
      functionVersion: '7',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/orders',
      logStreamName: '2026/11/25/[7]0123456789abcdef',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:012345678912:function:orders',
      awsRequestId: log.requestId,
    });
    // The RIE's default timeout is 300 s.
    expect(remaining[0]).toBeGreaterThan(299_000);
    expect(remaining[0]).toBeLessThanOrEqual(300_000);
    expect(log.lines[0]).toBe(`START RequestId: ${log.requestId} Version: 7`);
    expect(log.lines.at(-1)).toMatch(/\tMemory Size: 512 MB\t/);
  });
});
