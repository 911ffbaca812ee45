// The one place the runtime reads its environment. Everything else gets a frozen RuntimeConfig.
import { LEVELS, type Level } from './logging/format.ts';
import type { Flavour } from './errors/format.ts';

export interface RuntimeConfig {
  readonly runtimeApi: string | undefined;
  readonly handler: string;
  readonly taskRoot: string;
  readonly nodeMajor: number;
  /**
   * Which official line is matched: 4 (aws-lambda-ric 4.x, managed nodejs24.x) from Node 24 and
   * under Managed Instances on any Node (only 4.x has that mode), else 3.
   */
  readonly flavour: Flavour;
  /** Lambda Managed Instances: AWS_LAMBDA_MAX_CONCURRENCY is set (its value is the platform's). */
  readonly managed: boolean;
  /** AWS_LAMBDA_NODEJS_WORKER_COUNT, as given. */
  readonly workerCount: string | undefined;
  /** Managed Instances: the Unix socket that hands out the log file descriptor, if any. */
  readonly logSocket: string | undefined;
  readonly logJson: boolean;
  readonly logLevel: Level;
  readonly telemetryFd: number | undefined;
  readonly nodePath: readonly string[];
  readonly globalAwsLambda: boolean;
  /** LAMBDA_NODE_DEBUG=code-cache: one stderr line per code cache, used or not. */
  readonly debugCodeCache: boolean;
  readonly env: {
    readonly functionName: string | undefined;
    readonly functionVersion: string | undefined;
    readonly memoryLimitInMB: string | undefined;
    readonly logGroupName: string | undefined;
    readonly logStreamName: string | undefined;
  };
  readonly version: string;
}

declare const LAMBDA_NODE_VERSION: string;

/** The User-Agent of the runtime's Runtime API requests. */
export function runtimeUserAgent(config: RuntimeConfig): string {
  return `lambda-node/${config.version} (node ${process.version})`;
}

export function managedNodePath(major: number): string {
  return `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`;
}

/**
 * Reads (and, where the managed runtime sets something a custom runtime does not get, completes)
 * the environment. Consumes _LAMBDA_TELEMETRY_LOG_FD so that child processes don't inherit it.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const managed = env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined;
  const flavour: Flavour = nodeMajor >= 24 || managed ? 4 : 3;

  if (!env.AWS_EXECUTION_ENV) env.AWS_EXECUTION_ENV = `AWS_Lambda_nodejs${nodeMajor}.x`;
  if (!env.NODE_PATH) env.NODE_PATH = managedNodePath(nodeMajor);

  const rawFd = env._LAMBDA_TELEMETRY_LOG_FD;
  delete env._LAMBDA_TELEMETRY_LOG_FD;
  const fd = rawFd === undefined ? NaN : flavour === 4 ? Number(rawFd) : parseInt(rawFd, 10);
  // 4.x takes a positive integer; 3.x anything parseInt reads (0 included).
  const telemetryFd = Number.isInteger(fd) && (flavour === 4 ? fd > 0 : fd >= 0) ? fd : undefined;

  const level = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase();
  const noGlobal = env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;

  return Object.freeze({
    runtimeApi: env.AWS_LAMBDA_RUNTIME_API,
    handler: env._HANDLER ?? '',
    taskRoot: env.LAMBDA_TASK_ROOT || process.cwd(),
    nodeMajor,
    flavour,
    managed,
    workerCount: env.AWS_LAMBDA_NODEJS_WORKER_COUNT,
    logSocket: env._LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET || undefined,
    logJson: env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON',
    logLevel: level && level in LEVELS ? LEVELS[level as keyof typeof LEVELS] : LEVELS.TRACE,
    telemetryFd,
    nodePath: env.NODE_PATH.split(':').filter(Boolean),
    globalAwsLambda: !(noGlobal === '1' || noGlobal === 'true'),
    debugCodeCache: /(?:^|,)code-cache(?:,|$)/.test(env.LAMBDA_NODE_DEBUG ?? ''),
    env: Object.freeze({
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    }),
    version: typeof LAMBDA_NODE_VERSION === 'string' ? LAMBDA_NODE_VERSION : '0.0.0-dev',
  });
}
