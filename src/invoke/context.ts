// The `context` argument. Key order is the official one, so JSON.stringify(context) matches.
//  4.x (Node 24+): a plain object with exactly 12 keys.
//  3.x (Node 22):  callbackWaitsForEmptyEventLoop (accessor), succeed, fail, done, then the data.
import type { LambdaContext } from '../types.ts';
import type { RuntimeConfig } from '../config.ts';
import type { ParsedInvocation } from './invocation.ts';

const MAX_TIMEOUT_MS = 900_000;

function remainingTime(inv: ParsedInvocation): () => number {
  const deadline = inv.deadlineMs ?? Date.now() + MAX_TIMEOUT_MS;
  return function getRemainingTimeInMillis() {
    return deadline - Date.now();
  };
}

export function buildContext(inv: ParsedInvocation, config: RuntimeConfig): LambdaContext {
  const e = config.env;
  return {
    clientContext: inv.clientContext,
    identity: inv.identity,
    invokedFunctionArn: inv.functionArn,
    awsRequestId: inv.requestId,
    tenantId: inv.tenantId,
    xRayTraceId: inv.traceId,
    getRemainingTimeInMillis: remainingTime(inv),
    functionName: e.functionName,
    functionVersion: e.functionVersion,
    memoryLimitInMB: e.memoryLimitInMB,
    logGroupName: e.logGroupName,
    logStreamName: e.logStreamName,
  } as LambdaContext;
}

export interface WaitControls {
  getWait(): boolean;
  setWait(value: boolean): void;
}

export interface CallbackControls extends WaitControls {
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
}

/** 3.x's context for a streaming handler: the callback context without succeed, fail and done. */
export function buildStreamingContext(inv: ParsedInvocation, config: RuntimeConfig, c: WaitControls): LambdaContext {
  return buildCallbackContext(inv, config, c);
}

export function buildCallbackContext(inv: ParsedInvocation, config: RuntimeConfig, c: WaitControls | CallbackControls): LambdaContext {
  const e = config.env;
  return {
    get callbackWaitsForEmptyEventLoop() {
      return c.getWait();
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      c.setWait(value);
    },
    ...('succeed' in c ? { succeed: c.succeed, fail: c.fail, done: c.done } : {}),
    functionVersion: e.functionVersion,
    functionName: e.functionName,
    memoryLimitInMB: e.memoryLimitInMB,
    logGroupName: e.logGroupName,
    logStreamName: e.logStreamName,
    clientContext: inv.clientContext,
    identity: inv.identity,
    invokedFunctionArn: inv.functionArn,
    awsRequestId: inv.requestId,
    tenantId: inv.tenantId,
    getRemainingTimeInMillis: remainingTime(inv),
  } as unknown as LambdaContext;
}
