// A function for Lambda Managed Instances: one execution environment runs many invocations at
// once (AWS_LAMBDA_MAX_CONCURRENCY), on worker threads that each load this module once.
// Module variables are shared by the invocations of a thread: keep per-invocation data in the
// handler, or in awslambda.InvokeStore, which follows each invocation through its awaits.
import { threadId } from 'node:worker_threads';

const loadedAt = new Date().toISOString(); // per thread, shared by its invocations
console.log(`thread ${threadId} loaded`);

export const handler = async (event, context) => {
  console.log(`order ${event.orderId} received`); // the record carries this invocation's request id
  await new Promise((resolve) => setTimeout(resolve, event.delayMs ?? 100)); // others run meanwhile
  const store = globalThis.awslambda.InvokeStore;
  return {
    orderId: event.orderId,
    requestId: store.getRequestId(), // === context.awsRequestId, even after the await
    traceId: store.getXRayTraceId() ?? null, // process.env._X_AMZN_TRACE_ID is not set in this mode
    tenantId: context.tenantId ?? null,
    thread: threadId,
    threadLoadedAt: loadedAt,
  };
};
