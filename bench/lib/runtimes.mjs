// How each runtime is started, on the same Node binary with the same environment.
// lambda-node: its staged bootstrap (sh + exec node, as Lambda starts the layer's /opt/bootstrap).
// aws-lambda-ric: node started directly (no sh in front, its fastest) with the managed runtime's
// flags: --expose-gc --max-http-header-size 81920 and the heap sized from memory like
// /var/runtime/bootstrap; 4.x (Node 24) from node_modules, 3.x (Node 22) as the managed nodejs22.x
// runtime runs it (test/fakes/ric3-main.mjs).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';
export const NODE_ARCH = process.arch === 'arm64' ? 'arm64' : 'x64';
export const MEMORY_MB = 1024;
export const RUNTIMES = ['lambda-node', 'aws-lambda-ric'];

export const nodeBinary = (major) => join(ROOT, '.toolchain', `node${major}-${NODE_ARCH}`, 'bin/node');
export const stageDir = (major) => join(ROOT, 'build/stage', `${ARCH}-node${major}`);
/** Workloads made by `lambda-node build` from another workload's function, before the run. */
export const BUILT = { 'sdk-built': 'sdk' };
export const functionDir = (name, major) =>
  BUILT[name] ? join(ROOT, 'build/bench', `node${major}`, name) : join(ROOT, 'bench/functions', name);

/** [command, args] for a runtime on Node `major`. */
export function command(runtime, major) {
  if (runtime === 'lambda-node') {
    const bootstrap = join(stageDir(major), 'bootstrap');
    if (!existsSync(bootstrap)) throw new Error(`${bootstrap} is missing: run make stage NODE_MAJOR=${major}`);
    return [bootstrap, []];
  }
  const entry = major >= 24 ? join(ROOT, 'node_modules/aws-lambda-ric/index.mjs') : join(ROOT, 'test/fakes/ric3-main.mjs');
  const newSpace = Math.floor(MEMORY_MB / 10);
  const flags = ['--expose-gc', '--max-http-header-size', '81920', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${MEMORY_MB - newSpace}`];
  return [nodeBinary(major), [...flags, entry]];
}

/** What Lambda gives every function (no credentials), plus what the managed runtime adds. */
export function lambdaEnv(major, fn, api) {
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: 'index.handler',
    LAMBDA_TASK_ROOT: functionDir(fn, major),
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MB),
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // The SDK client must find credentials without touching the network or ~/.aws.
    AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    NODE_PATH: `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${major}.x`,
  };
  if (api) env.AWS_LAMBDA_RUNTIME_API = api;
  return env;
}

/** Events per workload: the middy one is an API Gateway (HTTP API) request with a JSON body. */
export const EVENTS = {
  hello: '{}',
  sdk: '{}',
  'sdk-built': '{}',
  middy: JSON.stringify({
    version: '2.0',
    routeKey: 'POST /echo',
    rawPath: '/echo',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'bench' },
    requestContext: { http: { method: 'POST', path: '/echo' }, requestId: 'r' },
    body: JSON.stringify({ hello: 'world', n: [1, 2, 3] }),
    isBase64Encoded: false,
  }),
};
export const WORKLOADS = Object.keys(EVENTS);
