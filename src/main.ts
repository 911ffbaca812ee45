// Entry point, and the only place the runtime exits. Wires config -> logging -> client -> handler
// (loaded once) -> loop, and decides the fate of every failure:
//   init error            -> /init/error, exit (4.x: exit 1 as an unhandled rejection; 3.x: 129)
//   handler error         -> /error, go on
//   uncaught / unhandled  -> during an invoke: /error for it, exit 129 / 128 (3.x's shapes);
//                            at init: 3.x /init/error, exit 129 / 128; 4.x Node's own report,
//                            exit 1; while idle: exit at once
//   Runtime API gone      -> one clear line, exit 1
//   SIGTERM               -> the function's listeners run, then exit once their work is done,
//                            450 ms after at the latest (src/shutdown.ts; only if the function
//                            listens for it)
// Under Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set) src/managed/ takes over after config.
import { readConfig, runtimeUserAgent, type RuntimeConfig } from './config.ts';
import { RuntimeApiClient } from './api/client.ts';
import { RuntimeApiError, RuntimeError, unhandledRejection } from './errors/runtime-errors.ts';
import { formatError, formatXRayCause } from './errors/format.ts';
import { LEVELS } from './logging/format.ts';
import { stdoutSink, telemetrySink } from './logging/sink.ts';
import { createLogger, patchConsole, type LogContext, type Logger } from './logging/console-patch.ts';
import { InvokeStore } from './invoke/store.ts';
import { setupGlobals } from './globals.ts';
import { exposeGcLazily } from './gc.ts';
import { loadHandler, type LoadedHandler } from './handler/init.ts';
import { reportCodeCache } from './handler/built.ts';
import { runLoop } from './invoke/loop.ts';
import { enableGracefulShutdown } from './shutdown.ts';
import { createSteps, currentRequestId, currentTenantId, type RuntimeState } from './invoke/steps.ts';

const EXIT_UNCAUGHT = 129;
const EXIT_UNHANDLED_REJECTION = 128;

function logContext(config: RuntimeConfig, store: InvokeStore): LogContext {
  if (config.flavour === 4) return { requestId: () => store.getRequestId(), tenantId: () => store.getTenantId() };
  return { requestId: currentRequestId, tenantId: currentTenantId };
}

async function main(): Promise<void> {
  const config = readConfig();
  // Not under Managed Instances: aws-lambda-ric 4.x drops --expose-gc from its worker threads.
  if (!config.managed) exposeGcLazily();
  const store = new InvokeStore();
  // Under Managed Instances each worker thread sets up its own (an AsyncLocalStorage store).
  if (!config.managed) setupGlobals(config.globalAwsLambda, config.flavour === 4 ? store : undefined);
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
  const userAgent = runtimeUserAgent(config);
  let client: RuntimeApiClient;
  try {
    client = new RuntimeApiClient(config.runtimeApi, userAgent);
  } catch (err) {
    logger.log(LEVELS.FATAL, `lambda-node: ${(err as Error).message}`);
    process.exit(1);
  }
  // (The address is valid: the client above was made from it, and opened no connection.)
  if (config.managed) {
    // Its own file beside this one (dist/managed.cjs), so single-concurrency cold starts never load it.
    const managed = require(`${__dirname}/managed.cjs`) as typeof import('./managed/index.ts');
    return managed.runManaged(config, config.runtimeApi, userAgent);
  }
  // The connection exists before any user code runs, so tracers that patch sockets never see it.
  client.warm();

  const state: RuntimeState = { phase: { name: 'init' }, exiting: false };
  const fatal = (label: string, error: unknown, code: number) => {
    if (state.exiting) return;
    state.exiting = true;
    logger.logError(label, error);
    const exit = () => process.exit(code);
    const current = state.phase;
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
    loaded = await loadHandler(config, reportCodeCache(config.debugCodeCache, logger));
  } catch (error) {
    // An uncaught error may have reported init's failure already (3.x listens during init).
    if (state.exiting) return new Promise<never>(() => {});
    state.exiting = true;
    return initFailed(config, client, logger, error);
  }
  if (config.flavour === 4) catchUncaught();
  // 3.x asks for the first invocation a turn later: a rejection the module left unhandled is
  // still reported as an init error.
  else await new Promise<void>((resolve) => setImmediate(resolve));

  // Before the first /next: Lambda takes extension registrations during init only.
  await enableGracefulShutdown(client, logger);

  const onApiGone = (err: unknown): never => {
    const what = err instanceof RuntimeApiError ? err.message : String(err);
    // A 4xx is an answer, not an outage (the RIE answers 403 once its state machine is stuck).
    const how = err instanceof RuntimeApiError && !err.retryable ? 'refused the next invocation' : 'is unreachable';
    logger.log(LEVELS.FATAL, `lambda-node: the Runtime API ${how} (GET /2018-06-01/runtime/invocation/next: ${what}); exiting.`);
    process.exit(1);
  };
  await runLoop(createSteps({ config, client, logger, store, loaded, state, onApiGone }));
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
