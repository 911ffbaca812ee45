// Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set), bundled as dist/managed.cjs: the
// runtime's main thread requires it (only in this mode) and manages worker threads, each of which
// runs this same file as its script, a runtime of its own.
import { isMainThread } from 'node:worker_threads';
import { readConfig, type RuntimeConfig } from '../config.ts';
import { RuntimeApiClient } from '../api/client.ts';
import { LEVELS } from '../logging/format.ts';
import { fdSink } from '../logging/sink.ts';
import { createLogger, patchConsole } from '../logging/console-patch.ts';
import { acquireLogFd } from './log-fd.ts';
import { runManager } from './manager.ts';
import { runWorker } from './worker.ts';

export async function runManaged(config: RuntimeConfig, runtimeApi: string, userAgent: string): Promise<void> {
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
  // This bundle itself is each worker's script.
  runManager(config, new RuntimeApiClient(runtimeApi, userAgent), logger, __filename);
}

if (!isMainThread) {
  const config = readConfig();
  void runWorker(config, `lambda-node/${config.version} (node ${process.version})`);
}
