// Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set): the main thread manages worker
// threads, each a runtime of its own. Loaded only in this mode: single-concurrency cold starts
// never parse or run any of it.
import { isMainThread } from 'node:worker_threads';
import type { RuntimeConfig } from '../config.ts';
import { RuntimeApiClient } from '../api/client.ts';
import { LEVELS } from '../logging/format.ts';
import { fdSink } from '../logging/sink.ts';
import { createLogger, patchConsole } from '../logging/console-patch.ts';
import { acquireLogFd } from './log-fd.ts';
import { runManager } from './manager.ts';
import { runWorker } from './worker.ts';

export async function runManaged(config: RuntimeConfig, runtimeApi: string, userAgent: string): Promise<void> {
  if (!isMainThread) return runWorker(config, userAgent);
  const { fd, warning } = await acquireLogFd(config.logSocket);
  const logger = createLogger({
    flavour: 4,
    json: true,
    errorsJson: config.logJson,
    minLevel: config.logLevel,
    sink: fdSink(fd),
    context: { requestId: () => '-', tenantId: () => undefined },
  });
  patchConsole(logger, config.logLevel);
  if (warning) logger.log(LEVELS.WARN, warning);
  // The bundle itself is each worker's script.
  runManager(config, new RuntimeApiClient(runtimeApi, userAgent), logger, __filename);
}
