// globalThis.awslambda: streamifyResponse, HttpResponseStream and (when given: 4.x, Node 24+)
// InvokeStore, unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is 1 or true. 3.x (Node 22) publishes
// no InvokeStore: a library that wants one creates its own there.
import { HttpResponseStream, streamifyResponse } from './stream/http-response-stream.ts';
import type { InvokeStore } from './invoke/store.ts';

export function setupGlobals(enabled: boolean, store: InvokeStore | undefined): void {
  if (!enabled) return;
  const g = globalThis as { awslambda?: Record<string, unknown> };
  g.awslambda = { ...g.awslambda, streamifyResponse, HttpResponseStream };
  if (store && !g.awslambda.InvokeStore) g.awslambda.InvokeStore = store;
}
