import { describe, expect, it } from 'vitest';
import { buildContext } from '../../../src/invoke/context.ts';
import { readConfig } from '../../../src/config.ts';
import type { ParsedInvocation } from '../../../src/invoke/invocation.ts';

const config = readConfig({
  AWS_LAMBDA_FUNCTION_NAME: 'fn',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn',
  AWS_LAMBDA_LOG_STREAM_NAME: 'stream',
});

function parsed(over: Partial<ParsedInvocation> = {}): ParsedInvocation {
  return {
    requestId: 'r1',
    deadlineMs: Date.now() + 10_000,
    functionArn: 'arn',
    traceId: 'Root=1',
    clientContext: { c: 1 },
    identity: { i: 1 },
    tenantId: 't',
    event: {},
    eventError: undefined,
    warnings: [],
    ...over,
  };
}

describe('buildContext (4.x)', () => {
  it('a plain object with exactly the 12 official keys; memoryLimitInMB is a string', () => {
    const ctx = buildContext(parsed(), config);
    expect(Object.keys(ctx).sort()).toEqual(
      [
        'awsRequestId',
        'clientContext',
        'functionName',
        'functionVersion',
        'getRemainingTimeInMillis',
        'identity',
        'invokedFunctionArn',
        'logGroupName',
        'logStreamName',
        'memoryLimitInMB',
        'tenantId',
        'xRayTraceId',
      ].sort(),
    );
    expect(Object.getPrototypeOf(ctx)).toBe(Object.prototype);
    expect(ctx.memoryLimitInMB).toBe('512');
    expect(ctx.awsRequestId).toBe('r1');
    expect(ctx.xRayTraceId).toBe('Root=1');
    expect(ctx.clientContext).toEqual({ c: 1 });
    expect('callbackWaitsForEmptyEventLoop' in ctx).toBe(false);
  });

  it('getRemainingTimeInMillis counts down to the deadline', () => {
    const ctx = buildContext(parsed({ deadlineMs: Date.now() + 5000 }), config);
    const left = ctx.getRemainingTimeInMillis();
    expect(left).toBeGreaterThan(4900);
    expect(left).toBeLessThanOrEqual(5000);
  });

  it('no deadline: counts down from 900 000 ms from when the context was built', () => {
    const ctx = buildContext(parsed({ deadlineMs: undefined }), config);
    const left = ctx.getRemainingTimeInMillis();
    expect(left).toBeGreaterThan(899_900);
    expect(left).toBeLessThanOrEqual(900_000);
  });
});
