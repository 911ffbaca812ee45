// globalThis.awslambda: streamifyResponse, HttpResponseStream and InvokeStore, unless
// AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is 1 or true.
import { HttpResponseStream, streamifyResponse } from './stream/http-response-stream.ts';
import type { InvokeStore } from './invoke/store.ts';

export function setupGlobals(enabled: boolean, store: InvokeStore): void {
  if (!enabled) return;
  const g = globalThis as { awslambda?: Record<string, unknown> };
  g.awslambda = { ...g.awslambda, streamifyResponse, HttpResponseStream };
  if (!g.awslambda.InvokeStore) g.awslambda.InvokeStore = store;
}
