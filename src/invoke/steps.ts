// The loop's steps for one function: next (ask for work), open (a streaming function's response
// stream), handle (run the handler once per invocation) and post (deliver the outcome). They
// report where the runtime is in `phase`, which main reads to decide the fate of an uncaught error;
// exits stay in main (`onApiGone`).
import type { RuntimeConfig } from '../config.ts';
import type { Invocation, RuntimeApiClient } from '../api/client.ts';
import { RuntimeApiError, RuntimeError } from '../errors/runtime-errors.ts';
import { LEVELS } from '../logging/format.ts';
import type { Logger } from '../logging/console-patch.ts';
import type { LoadedHandler } from '../handler/init.ts';
import { ResponseStream } from '../stream/response-stream.ts';
import { InvokeStore } from './store.ts';
import { parseInvocation } from './invocation.ts';
import { buildContext, buildStreamingContext } from './context.ts';
import { invokeBuffered } from './buffered.ts';
import { invokeWithCallback } from './callback.ts';
import { deliverStreamed, emptyLoop, invokeStreaming } from './streaming.ts';
import { failure, type Outcome } from './outcome.ts';
import { deliver } from './deliver.ts';
import type { LoopSteps } from './loop.ts';

export type Phase =
  | { name: 'init' }
  | { name: 'idle' }
  | { name: 'invoke'; requestId: string; stream: ResponseStream | undefined }
  | { name: 'post'; done: Promise<unknown> };

/** Shared with main: where the runtime is, and whether it is on its way out. */
export interface RuntimeState {
  phase: Phase;
  exiting: boolean;
}

export interface StepsDeps {
  readonly config: RuntimeConfig;
  readonly client: RuntimeApiClient;
  readonly logger: Logger;
  readonly store: InvokeStore;
  readonly loaded: LoadedHandler;
  readonly state: RuntimeState;
  /** /next failed for good (retries spent): main logs and exits. */
  readonly onApiGone: (err: unknown) => never;
}

// 3.x keeps the current request and tenant ids in these globals (its log lines read them).
const REQUEST_ID_SYMBOL = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID_SYMBOL = Symbol.for('aws.lambda.runtime.tenantId');
const legacyIds = globalThis as Record<symbol, string | undefined>;
export const currentRequestId = () => legacyIds[REQUEST_ID_SYMBOL];
export const currentTenantId = () => legacyIds[TENANT_ID_SYMBOL];

const KEPT_MAX = 16;

export function createSteps(d: StepsDeps): LoopSteps<ResponseStream> {
  const { config, client, logger, store, state } = d;
  const { handler, streaming, highWaterMark } = d.loaded;
  // Results whose post failed after retries, kept by request id: if the Runtime API hands the
  // same invocation out again, the kept result is posted instead of running the handler twice.
  const kept = new Map<string, Outcome>();
  // 3.x: after a streamed invocation the next one waits for the event loop to empty, unless the
  // handler set context.callbackWaitsForEmptyEventLoop to false.
  let waitForEmptyLoop = false;
  const never = new Promise<never>(() => {});

  const handle = async (inv: Invocation, stream?: ResponseStream): Promise<Outcome> => {
    const p = parseInvocation(inv);
    // The tenant id goes into the InvokeStore and so into JSON log records, as on the managed
    // runtime (aws-lambda-ric 4.0.2 itself leaves it out of both: a documented difference).
    // 3.x logs it from its own global.
    store.run(InvokeStore.contextFor(p.requestId, p.traceId, p.tenantId), () => undefined);
    if (config.flavour === 3) {
      legacyIds[REQUEST_ID_SYMBOL] = p.requestId;
      legacyIds[TENANT_ID_SYMBOL] = p.tenantId;
    }
    if (p.traceId) process.env._X_AMZN_TRACE_ID = p.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    state.phase = { name: 'invoke', requestId: p.requestId, stream };
    for (const warning of p.warnings) logger.log(LEVELS.WARN, warning);

    const keptOutcome = kept.get(p.requestId);
    if (keptOutcome) {
      logger.log(LEVELS.WARN, `Invocation ${p.requestId} was handed out again: posting the result kept from its first run.`);
      return keptOutcome;
    }
    if (p.eventError) {
      return failure(new RuntimeError('Runtime.MalformedEvent', `The invocation event is not valid JSON: ${p.eventError.message}`, true));
    }
    if (stream) {
      waitForEmptyLoop = config.flavour === 3;
      const context =
        config.flavour === 4
          ? buildContext(p, config)
          : buildStreamingContext(p, config, {
              getWait: () => waitForEmptyLoop,
              setWait: (v) => {
                waitForEmptyLoop = v;
              },
            });
      return invokeStreaming(handler, p.event, stream, context, config.flavour);
    }
    return config.flavour === 4 ? invokeBuffered(handler, p.event, buildContext(p, config)) : invokeWithCallback(handler, p, config);
  };

  const post = async (inv: Invocation, outcome: Outcome, stream?: ResponseStream): Promise<void> => {
    if (state.exiting) return never;
    if (stream) return postStreamed(inv, outcome, stream);
    const done = deliver(client, logger, config.flavour, inv.requestId, outcome);
    state.phase = { name: 'post', done };
    try {
      await done;
      kept.delete(inv.requestId);
    } catch (err) {
      if (!(err instanceof RuntimeApiError)) throw err;
      if (kept.size >= KEPT_MAX) kept.delete(kept.keys().next().value as string);
      kept.set(inv.requestId, outcome);
      logger.log(LEVELS.ERROR, `lambda-node: could not post the result of ${inv.requestId} (${err.message}); it is kept and posted if this invocation is handed out again.`);
    }
  };

  // A streamed response cannot be kept and posted again: its body has gone out already.
  const postStreamed = async (inv: Invocation, outcome: Outcome, stream: ResponseStream): Promise<void> => {
    const done = deliverStreamed(stream, logger, outcome);
    state.phase = { name: 'post', done };
    try {
      await done;
    } catch (err) {
      logger.log(LEVELS.ERROR, `lambda-node: the response stream of ${inv.requestId} was not delivered (${err instanceof Error ? err.message : String(err)}).`);
    }
    if (waitForEmptyLoop) await emptyLoop();
  };

  // Opened before the handler runs; its head goes out at the first write (or end).
  const open = (inv: Invocation) => new ResponseStream((contentType) => client.streamResponse(inv.requestId, contentType), config.flavour, highWaterMark);

  const next = async (): Promise<Invocation> => {
    if (state.exiting) return never;
    state.phase = { name: 'idle' };
    try {
      return await client.nextInvocation();
    } catch (err) {
      return d.onApiGone(err);
    }
  };

  return { next, open: streaming ? open : undefined, handle, post };
}
