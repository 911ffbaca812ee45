// Starts a runtime process against a Runtime API: lambda-node through its staged bootstrap
// (build/stage/<arch>-node<major>, laid out as the layer), or AWS's aws-lambda-ric on the same
// Node binary, started the way the managed runtime starts it (same flags, NODE_PATH and
// AWS_EXECUTION_ENV). Captures stdout and stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const HOST_ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';
export type NodeMajor = 22 | 24;
export type RuntimeKind = 'lambda-node' | 'aws-lambda-ric';
export const NODE_MAJORS: NodeMajor[] = [24, 22];

export interface SpawnOptions {
  kind?: RuntimeKind;
  node?: NodeMajor;
  /** AWS_LAMBDA_RUNTIME_API (host:port). */
  api: string;
  taskRoot: string;
  handler: string;
  env?: Record<string, string | undefined>;
  /** File descriptors handed to the child as fd 3, 4, ... (e.g. a telemetry log file). */
  extraFds?: number[];
}

export interface RunningRuntime {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout split into lines (without the trailing empty one). */
  lines(): string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): Promise<void>;
}

export function stageDir(node: NodeMajor, arch = HOST_ARCH): string {
  return join(ROOT, 'build/stage', `${arch}-node${node}`);
}

export function nodeBinary(node: NodeMajor): string {
  return join(ROOT, '.toolchain', `node${node}-${process.arch === 'arm64' ? 'arm64' : 'x64'}`, 'bin/node');
}

/** The environment Lambda (and the RIE) give a function, minus credentials. */
export function lambdaEnv(o: SpawnOptions): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_LAMBDA_RUNTIME_API: o.api,
    _HANDLER: o.handler,
    LAMBDA_TASK_ROOT: o.taskRoot,
    AWS_LAMBDA_FUNCTION_NAME: 'test_function',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test_function',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/25/[$LATEST]0123456789abcdef',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    ...o.env,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function spawnRuntime(o: SpawnOptions): RunningRuntime {
  const node = o.node ?? 24;
  const env = lambdaEnv(o);
  let cmd: string;
  let args: string[];
  if ((o.kind ?? 'lambda-node') === 'lambda-node') {
    cmd = join(stageDir(node), 'bootstrap');
    if (!existsSync(cmd)) throw new Error(`${cmd} is missing: run make test-prereqs`);
    args = [];
  } else {
    // As the managed runtime's bootstrap does.
    env.NODE_PATH ??= `/opt/nodejs/node${node}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`;
    env.AWS_EXECUTION_ENV ??= `AWS_Lambda_nodejs${node}.x`;
    // Managed Instances exist in 4.x only: the managed nodejs22.x runs 4.x there too.
    const ric4 = node >= 24 || env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined;
    const entry = ric4 ? join(ROOT, 'node_modules/aws-lambda-ric/index.mjs') : join(ROOT, 'test/fakes/ric3-main.mjs');
    cmd = nodeBinary(node);
    args = ['--expose-gc', '--max-http-header-size', '81920', entry];
  }
  const proc = spawn(cmd, args, { cwd: o.taskRoot, env, stdio: ['ignore', 'pipe', 'pipe', ...(o.extraFds ?? [])] });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    lines: () => out.split('\n').filter((l, i, a) => i < a.length - 1 || l !== ''),
    exited,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
