// Managed Instances, main thread: starts the worker threads (AWS_LAMBDA_NODEJS_WORKER_COUNT, else
// 8 per vCPU, as aws-lambda-ric 4.x), runs no user code itself, and decides the fate of threads:
//  - a thread reports the function's init error (one /init/error)  -> exit 1
//  - a thread dies during init without reporting (uncaught error)  -> this thread reports it, exit 1
//  - /next failed for good in a thread                             -> one clear line, exit 1
//  - a thread retires after an uncaught error                      -> a replacement starts at once
//  - a thread dies after init (process.exit(), a fatal error)      -> its invocations still in
//    flight get /error (Runtime.ExitError), a replacement starts
//  - a replacement fails its init                                  -> logged, retried with backoff
// 4.x logs none of this (its main thread has no logger) and exits 0 when every thread has died.
import { Worker } from 'node:worker_threads';
import type { RuntimeConfig } from '../config.ts';
import type { RuntimeApiClient } from '../api/client.ts';
import { formatError, formatXRayCause } from '../errors/format.ts';
import { LEVELS } from '../logging/format.ts';
import type { Logger } from '../logging/console-patch.ts';
import { workerCount } from './count.ts';
import type { ToManager, WorkerData } from './protocol.ts';

// Node refuses these in a worker's execArgv (4.x drops the same three).
const WORKER_REFUSED_FLAGS = ['--expose-gc', '--max-semi-space-size', '--max-old-space-size'];
const REPLACEMENT_FIRST_DELAY_MS = 1000;
const REPLACEMENT_MAX_DELAY_MS = 60_000;

interface Thread {
  readonly id: number;
  readonly replacement: boolean;
  readonly inFlight: Set<string>;
  ready: boolean;
  retired: boolean;
  error: Error | undefined;
}

export function runManager(config: RuntimeConfig, client: RuntimeApiClient, logger: Logger, script: string): void {
  const { count, warning } = workerCount(config.workerCount);
  if (warning) logger.log(LEVELS.WARN, warning);
  const initFlag = new SharedArrayBuffer(4);
  const execArgv = process.execArgv.filter((arg) => !WORKER_REFUSED_FLAGS.some((flag) => arg.startsWith(flag)));
  let exiting = false;
  let replacementDelay = REPLACEMENT_FIRST_DELAY_MS;

  const exit = (code: number) => {
    exiting = true;
    process.exit(code);
  };

  const spawn = (id: number, replacement: boolean) => {
    const thread: Thread = { id, replacement, inFlight: new Set(), ready: false, retired: false, error: undefined };
    const data: WorkerData = { workerId: id, initFlag, replacement };
    const worker = new Worker(script, { env: process.env, execArgv, workerData: data });
    worker.on('message', (m: ToManager) => {
      switch (m.t) {
        case 'ready':
          thread.ready = true;
          if (replacement) replacementDelay = REPLACEMENT_FIRST_DELAY_MS;
          break;
        case 'start':
          thread.inFlight.add(m.id);
          break;
        case 'end':
          thread.inFlight.delete(m.id);
          break;
        case 'init-failed':
          exit(1);
          break;
        case 'replacement-failed':
          break; // its exit schedules the next try
        case 'retire':
          thread.retired = true;
          logger.log(LEVELS.ERROR, `lambda-node: worker ${id} stops taking invocations (${m.reason}); it exits once those it runs are answered, and a new worker replaces it.`);
          spawn(id, true);
          break;
        case 'api-gone':
          logger.log(LEVELS.FATAL, `lambda-node: the Runtime API is unreachable (GET /2018-06-01/runtime/invocation/next: ${m.message}); exiting.`);
          exit(1);
          break;
      }
    });
    worker.on('error', (error) => {
      thread.error = error;
    });
    worker.on('exit', (code) => {
      if (exiting) return;
      void answerOrphans(thread, code).then(() => afterExit(thread, code));
    });
  };

  // Invocations the thread took and never answered: each gets an error rather than a timeout.
  const answerOrphans = async (thread: Thread, code: number) => {
    if (thread.inFlight.size === 0) return;
    const ids = [...thread.inFlight];
    logger.log(LEVELS.ERROR, `lambda-node: worker ${thread.id} exited with code ${code} while running ${ids.join(', ')}; each gets Runtime.ExitError.`);
    await Promise.all(
      ids.map((requestId) => {
        const error = Object.assign(new Error(`RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`), { name: 'Runtime.ExitError' });
        const body = { ...formatError(error, 4), trace: [] };
        return client.postError(requestId, body, formatXRayCause(error)).catch(() => undefined);
      }),
    );
  };

  const afterExit = async (thread: Thread, code: number) => {
    if (exiting || thread.retired) return; // a retired thread was replaced when it retired
    if (thread.ready) {
      logger.log(LEVELS.ERROR, `lambda-node: worker ${thread.id} exited with code ${code}${thread.error ? ` (${thread.error.message})` : ''}; a new worker replaces it.`);
      spawn(thread.id, true);
      return;
    }
    if (thread.replacement) {
      logger.log(LEVELS.ERROR, `lambda-node: the worker replacing worker ${thread.id} could not initialise; trying again in ${replacementDelay} ms.`);
      setTimeout(() => spawn(thread.id, true), replacementDelay);
      replacementDelay = Math.min(replacementDelay * 2, REPLACEMENT_MAX_DELAY_MS);
      return;
    }
    // Died during the function's init without reporting it (an uncaught error: Node ended the thread).
    if (Atomics.compareExchange(new Int32Array(initFlag), 0, 0, 1) !== 0) return; // another thread reports
    const error = thread.error ?? new Error(`worker ${thread.id} exited with code ${code} during init`);
    logger.logError('Init Error', error);
    await client.postInitError(formatError(error, 4)).catch(() => undefined);
    exit(1);
  };

  for (let id = 0; id < count; id++) spawn(id, false);
}
