// Entry point, and the only place the runtime exits. Wires config -> logging -> client -> handler
// (loaded once) -> loop, and decides the fate of every failure:
//   init error            -> /init/error, exit (4.x: exit 1 as an unhandled rejection; 3.x: 129)
//   handler error         -> /error, go on
//   uncaught / unhandled  -> during an invoke: /error for it, exit 129 / 128 (3.x's shapes);
//                            at init: 3.x /init/error, exit 129 / 128; 4.x Node's own report,
//                            exit 1; while idle: exit at once
//   Runtime API gone      -> one clear line, exit 1
import { readConfig, type RuntimeConfig } from './config.ts';
import { RuntimeApiClient, type Invocation } from './api/client.ts';
import { RuntimeApiError, RuntimeError, unhandledRejection } from './errors/runtime-errors.ts';
import { formatError, formatXRayCause } from './errors/format.ts';
import { LEVELS } from './logging/format.ts';
import { stdoutSink, telemetrySink } from './logging/sink.ts';
import { createLogger, patchConsole, type LogContext, type Logger } from './logging/console-patch.ts';
import { InvokeStore } from './invoke/store.ts';
import { setupGlobals } from './globals.ts';
import { loadHandler } from './handler/init.ts';
import type { LoadedHandler } from './handler/init.ts';
import { parseInvocation } from './invoke/invocation.ts';
import { buildContext, buildStreamingContext } from './invoke/context.ts';
import { invokeBuffered } from './invoke/buffered.ts';
import { invokeWithCallback } from './invoke/callback.ts';
import { failure, type Outcome } from './invoke/outcome.ts';
import { deliver } from './invoke/deliver.ts';
import { runLoop } from './invoke/loop.ts';
import { deliverStreamed, emptyLoop, invokeStreaming } from './invoke/streaming.ts';
import { ResponseStream } from './stream/response-stream.ts';

const EXIT_UNCAUGHT = 129;
const EXIT_UNHANDLED_REJECTION = 128;
const REQUEST_ID_SYMBOL = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID_SYMBOL = Symbol.for('aws.lambda.runtime.tenantId');

type Phase =
  | { name: 'init' }
  | { name: 'idle' }
  | { name: 'invoke'; requestId: string; stream: ResponseStream | undefined }
  | { name: 'post'; done: Promise<unknown> };

function logContext(config: RuntimeConfig, store: InvokeStore): LogContext {
  if (config.flavour === 4) return { requestId: () => store.getRequestId(), tenantId: () => store.getTenantId() };
  const g = globalThis as Record<symbol, string | undefined>;
  return { requestId: () => g[REQUEST_ID_SYMBOL], tenantId: () => g[TENANT_ID_SYMBOL] };
}

async function main(): Promise<void> {
  const config = readConfig();
  const store = new InvokeStore();
  setupGlobals(config.globalAwsLambda, config.flavour === 4 ? store : undefined);
  const sink = config.telemetryFd !== undefined ? telemetrySink(config.telemetryFd) : stdoutSink;
  const logger = createLogger({ flavour: config.flavour, json: config.logJson, minLevel: config.logLevel, sink, context: logContext(config, store) });
  patchConsole(logger, config.logLevel);

  if (!config.runtimeApi) {
    logger.log(LEVELS.FATAL, 'lambda-node: AWS_LAMBDA_RUNTIME_API is not set: this runtime runs under Lambda or a Runtime Interface Emulator.');
    process.exit(1);
  }
  if (config.flavour === 4 && !config.handler) {
    // As 4.x: refused before init starts, nothing posted; Node reports the rejection and exits 1.
    const error = new RuntimeError('Runtime.PlatformError', '_HANDLER environment variable is not set', true);
    // Formatting the stack now leaves Node no source position to quote: its report then shows no
    // line of the minified bundle.
    void error.stack;
    return Promise.reject(error);
  }
  let client: RuntimeApiClient;
  try {
    client = new RuntimeApiClient(config.runtimeApi, `lambda-node/${config.version} (node ${process.version})`);
  } catch (err) {
    logger.log(LEVELS.FATAL, `lambda-node: ${(err as Error).message}`);
    process.exit(1);
  }
  // The connection exists before any user code runs, so tracers that patch sockets never see it.
  client.warm();

  let phase: Phase = { name: 'init' };
  let exiting = false;
  const fatal = (label: string, error: unknown, code: number) => {
    if (exiting) return;
    exiting = true;
    logger.logError(label, error);
    const exit = () => process.exit(code);
    const current = phase;
    // In 3.x's shapes on every Node version (4.x posts nothing at all).
    if (current.name === 'init') client.postInitError(formatError(error, 3)).then(exit, exit);
    // A streaming invocation holds the connection with its body: the error goes in its trailers.
    else if (current.name === 'invoke' && current.stream) current.stream.fail(error).then(exit, exit);
    else if (current.name === 'invoke') client.postError(current.requestId, formatError(error, 3), formatXRayCause(error)).then(exit, exit);
    else if (current.name === 'post') current.done.then(exit, exit);
    else exit();
  };
  const catchUncaught = () => {
    process.on('uncaughtException', (error) => fatal('Uncaught Exception', error, EXIT_UNCAUGHT));
    process.on('unhandledRejection', (reason, promise) =>
      fatal('Unhandled Promise Rejection', unhandledRejection(reason, promise, false), EXIT_UNHANDLED_REJECTION),
    );
  };
  // 3.x listens from the start, so one thrown while the function initialises is an init error.
  // 4.x does not listen at all: during init Node reports it and exits 1, as here.
  if (config.flavour === 3) catchUncaught();

  let loaded: LoadedHandler;
  try {
    loaded = await loadHandler(config);
  } catch (error) {
    // An uncaught error may have reported init's failure already (3.x listens during init).
    if (exiting) return new Promise<never>(() => {});
    exiting = true;
    return initFailed(config, client, logger, error);
  }
  if (config.flavour === 4) catchUncaught();
  // 3.x asks for the first invocation a turn later: a rejection the module left unhandled is
  // still reported as an init error.
  else await new Promise<void>((resolve) => setImmediate(resolve));

  // Results whose post failed after retries, kept by request id: if the Runtime API hands the
  // same invocation out again, the kept result is posted instead of running the handler twice.
  const kept = new Map<string, Outcome>();
  const g = globalThis as Record<symbol, string | undefined>;

  const { handler, streaming, highWaterMark } = loaded;
  // 3.x: after a streamed invocation the next one waits for the event loop to empty, unless the
  // handler set context.callbackWaitsForEmptyEventLoop to false.
  let waitForEmptyLoop = false;

  const handle = async (inv: Invocation, stream?: ResponseStream): Promise<Outcome> => {
    const p = parseInvocation(inv);
    // The tenant id goes into the InvokeStore and so into JSON log records, as on the managed
    // runtime (aws-lambda-ric 4.0.2 itself leaves it out of both: a documented difference).
    // 3.x logs it from its own global.
    store.run(InvokeStore.contextFor(p.requestId, p.traceId, p.tenantId), () => undefined);
    if (config.flavour === 3) {
      g[REQUEST_ID_SYMBOL] = p.requestId;
      g[TENANT_ID_SYMBOL] = p.tenantId;
    }
    if (p.traceId) process.env._X_AMZN_TRACE_ID = p.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    phase = { name: 'invoke', requestId: p.requestId, stream };
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

  const never = new Promise<never>(() => {});
  const post = async (inv: Invocation, outcome: Outcome, stream?: ResponseStream): Promise<void> => {
    if (exiting) return never;
    if (stream) return postStreamed(inv, outcome, stream);
    const done = deliver(client, logger, config.flavour, inv.requestId, outcome);
    phase = { name: 'post', done };
    try {
      await done;
      kept.delete(inv.requestId);
    } catch (err) {
      if (!(err instanceof RuntimeApiError)) throw err;
      if (kept.size >= 16) kept.delete(kept.keys().next().value as string);
      kept.set(inv.requestId, outcome);
      logger.log(LEVELS.ERROR, `lambda-node: could not post the result of ${inv.requestId} (${err.message}); it is kept and posted if this invocation is handed out again.`);
    }
  };

  // A streamed response cannot be kept and posted again: its body has gone out already.
  const postStreamed = async (inv: Invocation, outcome: Outcome, stream: ResponseStream): Promise<void> => {
    const done = deliverStreamed(stream, logger, outcome);
    phase = { name: 'post', done };
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
    if (exiting) return never;
    phase = { name: 'idle' };
    try {
      return await client.nextInvocation();
    } catch (err) {
      const what = err instanceof RuntimeApiError ? err.message : String(err);
      logger.log(LEVELS.FATAL, `lambda-node: the Runtime API is unreachable (GET /2018-06-01/runtime/invocation/next: ${what}); exiting.`);
      process.exit(1);
    }
  };

  await runLoop({ next, open: streaming ? open : undefined, handle, post });
}

async function initFailed(config: RuntimeConfig, client: RuntimeApiClient, logger: Logger, error: unknown): Promise<void> {
  if (config.flavour === 3) {
    // 3.x: the failed load surfaces as an uncaught exception.
    logger.logError('Uncaught Exception', error);
    await client.postInitError(formatError(error, 3)).catch(() => undefined);
    process.exit(EXIT_UNCAUGHT);
  }
  logger.logError('Init Error', error);
  await client.postInitError(formatError(error, 4)).catch(() => undefined);
  // 4.x rethrows: Node prints the error on stderr as an unhandled rejection and exits 1.
  process.removeAllListeners('unhandledRejection');
  process.removeAllListeners('uncaughtException');
  client.close();
  setTimeout(() => process.exit(1), 1000).unref();
  return Promise.reject(error);
}

void main();
