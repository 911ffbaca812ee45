// Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set), bundled as dist/managed.cjs: the
// runtime's main thread requires it (only in this mode) and manages worker threads, each of which
// runs this same file as its script, a runtime of its own.
import { isMainThread } from 'node:worker_threads';
import { readConfig, runtimeUserAgent, type RuntimeConfig } from '../config.ts';
import { RuntimeApiClient } from '../api/client.ts';
import { managedLogger } from './log-fd.ts';
import { runManager } from './manager.ts';
import { runWorker } from './worker.ts';

export async function runManaged(config: RuntimeConfig, runtimeApi: string, userAgent: string): Promise<void> {
  const logger = await managedLogger(config, { requestId: () => '-', tenantId: () => undefined });
  // This bundle itself is each worker's script.
  runManager(config, new RuntimeApiClient(runtimeApi, userAgent), logger, __filename);
}

if (!isMainThread) {
  const config = readConfig();
  void runWorker(config, runtimeUserAgent(config));
}
