// One Managed Instances worker thread: loads the handler once (its own init), then keeps one /next
// parked and runs every invocation it receives at once with the others, each in its own
// AsyncLocalStorage context (request id, trace id, tenant id: the InvokeStore, the context, log
// records). As aws-lambda-ric 4.x, except where RUNTIME-DECISIONS.md says better:
//  - /next is a non-blocking socket (4.x parks it on the libuv thread pool, starving fs, crypto,
//    zlib and dns.lookup);
//  - an uncaught exception or unhandled rejection is charged to the invocation whose code raised
//    it (its AsyncLocalStorage context): that one gets /error, the others running here finish,
//    then the thread exits and the manager starts a replacement (4.x lets the thread die
//    silently, and the next event handed to its parked /next aborts the process);
//  - of all threads failing init, exactly one logs and posts /init/error (Atomics on a shared
//    flag); the manager then exits 1.
// process.env._X_AMZN_TRACE_ID is never set here: one variable cannot hold the trace id of
// invocations running at once (4.x leaves it alone in this mode too).
import { parentPort, workerData } from 'node:worker_threads';
import type { RuntimeConfig } from '../config.ts';
import { MANAGED_RETRY, RuntimeApiClient, type Invocation } from '../api/client.ts';
import { RuntimeApiError, RuntimeError, unhandledRejection } from '../errors/runtime-errors.ts';
import { formatError, formatXRayCause } from '../errors/format.ts';
import { LEVELS } from '../logging/format.ts';
import type { Logger } from '../logging/console-patch.ts';
import { setupGlobals } from '../globals.ts';
import { loadHandler, type LoadedHandler } from '../handler/init.ts';
import { reportCodeCache } from '../handler/built.ts';
import { InvokeStore } from '../invoke/store.ts';
import { parseInvocation, type ParsedInvocation } from '../invoke/invocation.ts';
import { buildContext } from '../invoke/context.ts';
import { invokeBuffered } from '../invoke/buffered.ts';
import { deliverStreamed, invokeStreaming } from '../invoke/streaming.ts';
import { deliver } from '../invoke/deliver.ts';
import { failure, type Outcome } from '../invoke/outcome.ts';
import { ResponseStream } from '../stream/response-stream.ts';
import { InvokeStoreMulti } from './store.ts';
import { managedLogger } from './log-fd.ts';
import type { ToManager, WorkerData } from './protocol.ts';

interface Running {
  readonly requestId: string;
  stream: ResponseStream | undefined;
  /** Its outcome has been handed to the Runtime API (or is being). */
  settled: boolean;
  /** Settled by an uncaught error: that path ends it, once its /error is posted. */
  fatal: boolean;
  ended: boolean;
}

export async function runWorker(config: RuntimeConfig, userAgent: string): Promise<void> {
  const port = parentPort;
  if (!port || !config.runtimeApi) throw new Error('runWorker runs in a Managed Instances worker thread');
  const data = workerData as WorkerData;
  const send = (m: ToManager) => port.postMessage(m);

  const store = new InvokeStoreMulti();
  setupGlobals(config.globalAwsLambda, store);
  const logger = await managedLogger(config, { requestId: () => store.getRequestId(), tenantId: () => store.getTenantId() });

  const client = new RuntimeApiClient(config.runtimeApi, userAgent, {
    retry: MANAGED_RETRY,
    pool: true,
    onNextRetry: (err, attempt, pause) =>
      logger.logError(`Failed to get next invocation (attempt ${attempt}/${MANAGED_RETRY.nextRetries + 1}). Retrying in ${pause}ms...`, err),
  });
  client.warm();

  let loaded: LoadedHandler;
  try {
    loaded = await loadHandler(config, reportCodeCache(config.debugCodeCache, logger));
  } catch (error) {
    await initFailed(data, client, logger, error, send);
    return;
  }
  send({ t: 'ready' });

  const running = new Map<string, Running>();
  let retiring = false;
  let exitCode = 0;
  const exitThread = process.exit.bind(process);
  const retire = (reason: string) => {
    if (!retiring) {
      retiring = true;
      send({ t: 'retire', reason });
    }
    if (running.size === 0) {
      client.close();
      exitThread(exitCode);
    }
  };
  const end = (run: Running) => {
    if (run.ended) return;
    run.ended = true;
    running.delete(run.requestId);
    send({ t: 'end', id: run.requestId });
    if (retiring) retire('');
  };

  const settle = async (run: Running, outcome: Outcome): Promise<void> => {
    run.settled = true;
    try {
      if (run.stream) await deliverStreamed(run.stream, logger, outcome);
      else await deliver(client, logger, 4, run.requestId, outcome);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      logger.log(LEVELS.ERROR, `lambda-node: could not post the result of ${run.requestId} (${why}).`);
    }
  };

  // Charged to the invocation whose code raised it; logged in its context, so with its request id.
  const charged = new WeakSet<object>();
  const fatal = (label: string, error: unknown) => {
    // process.exit()'s own error, thrown on to stop its caller, comes back here if nothing catches it.
    if (typeof error === 'object' && error !== null) {
      if (charged.has(error)) return;
      charged.add(error);
    }
    logger.logError(label, error);
    const run = store.hasContext() ? running.get(store.getRequestId()) : undefined;
    if (run && !run.settled) {
      run.settled = true;
      run.fatal = true;
      const posted = run.stream ? run.stream.fail(error) : client.postError(run.requestId, formatError(error, 3), formatXRayCause(error));
      posted.then(
        () => end(run),
        () => end(run),
      );
    }
    retire(`${label}${run ? ` in invocation ${run.requestId}` : ''}`);
  };
  // process.exit() in one invocation ends that invocation, not the others running here: it is
  // charged to the invocation like an uncaught error (Runtime.ExitError, the platform's name for a
  // runtime that exits mid-invocation), stops the caller by throwing, and the thread exits with
  // that code once the others are answered.
  process.exit = ((code?: number | string | null) => {
    exitCode = Number(code ?? process.exitCode ?? 0) || 0;
    const id = store.hasContext() ? store.getRequestId() : 'none';
    const error = new RuntimeError('Runtime.ExitError', `RequestId: ${id} Error: Runtime exited with error: exit status ${exitCode} (process.exit() called)`, true);
    fatal('Process Exit', error);
    throw error;
  }) as typeof process.exit;
  process.on('uncaughtException', (error) => fatal('Uncaught Exception', error));
  process.on('unhandledRejection', (reason, promise) => fatal('Unhandled Promise Rejection', unhandledRejection(reason, promise, false)));

  // Counted as running from the moment /next answers: a retiring thread must not exit with it untaken.
  const take = (inv: Invocation) => {
    const p = parseInvocation(inv);
    const run: Running = { requestId: p.requestId, stream: undefined, settled: false, fatal: false, ended: false };
    running.set(p.requestId, run);
    send({ t: 'start', id: p.requestId });
    return () => invoke(p, run);
  };

  const invoke = async (p: ParsedInvocation, run: Running): Promise<void> => {
    await store.run(InvokeStore.contextFor(p.requestId, p.traceId, p.tenantId), async () => {
      try {
        for (const w of p.warnings) logger.log(LEVELS.WARN, w);
        let outcome: Outcome;
        if (p.eventError) {
          outcome = failure(new RuntimeError('Runtime.MalformedEvent', `The invocation event is not valid JSON: ${p.eventError.message}`, true));
        } else if (loaded.streaming) {
          run.stream = new ResponseStream((contentType) => client.streamResponse(p.requestId, contentType), 4, loaded.highWaterMark);
          outcome = await invokeStreaming(loaded.handler, p.event, run.stream, buildContext(p, config), 4);
        } else {
          outcome = await invokeBuffered(loaded.handler, p.event, buildContext(p, config));
        }
        if (!run.settled) await settle(run, outcome);
      } finally {
        if (!run.fatal) end(run);
      }
    });
  };

  while (!retiring) {
    let inv: Invocation;
    try {
      inv = await client.nextInvocation();
    } catch (err) {
      const what = err instanceof RuntimeApiError ? err.message : String(err);
      send({ t: 'api-gone', message: what });
      return;
    }
    // Run on the next turn, outside this loop's own context: the loop goes straight back to /next.
    const run = take(inv);
    setImmediate(() => void run());
  }
}

async function initFailed(data: WorkerData, client: RuntimeApiClient, logger: Logger, error: unknown, send: (m: ToManager) => void): Promise<void> {
  if (data.replacement) {
    // The function was initialised long ago: /init/error is no longer the platform's to take.
    logger.logError('Init Error', error);
    send({ t: 'replacement-failed' });
    return;
  }
  if (Atomics.compareExchange(new Int32Array(data.initFlag), 0, 0, 1) !== 0) return; // another thread reports it
  logger.logError('Init Error', error);
  await client.postInitError(formatError(error, 4)).catch(() => undefined);
  send({ t: 'init-failed' });
}
