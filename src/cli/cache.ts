// Making a built function's code cache, and timing its load, in fresh processes of the target Node
// (dist/make-cache.cjs). The function's init runs there as on Lambda: in the output directory, with
// Lambda's environment variables, dummy credentials, a HOME of its own (so no ~/.aws), and
// whatever --env adds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionSpec } from '../code-cache/make.ts';
import { PACKAGE_ROOT } from './node.ts';

export interface MakeResult {
  readonly made?: 'init' | 'eager';
  readonly bytes?: number;
  readonly keys?: string[];
  readonly error?: string;
}

export interface RunContext {
  readonly node: string;
  readonly nodeMajor: number;
  /** AWS_LAMBDA_FUNCTION_MEMORY_SIZE: the heap flags follow it, as the bootstrap sets them. */
  readonly memoryMb: number;
  readonly outDir: string;
  readonly handler: string;
  readonly env: Readonly<Record<string, string>>;
}

const MAKER = () => join(PACKAGE_ROOT, 'dist/make-cache.cjs');

function lambdaEnv(c: RunContext, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: c.outDir,
    _HANDLER: c.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${c.nodeMajor}.x`,
    AWS_LAMBDA_FUNCTION_NAME: 'lambda-node-build',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/lambda-node-build',
    AWS_LAMBDA_LOG_STREAM_NAME: 'build',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_DEFAULT_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLAMBDANODEBUILD0',
    AWS_SECRET_ACCESS_KEY: 'lambda-node-build',
    AWS_SESSION_TOKEN: 'lambda-node-build',
    NODE_PATH: `/opt/nodejs/node${c.nodeMajor}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:${c.outDir}`,
    // Another architecture's Node runs under qemu-user, which finds that architecture's libraries here.
    ...(process.env.QEMU_LD_PREFIX ? { QEMU_LD_PREFIX: process.env.QEMU_LD_PREFIX } : {}),
    ...c.env,
  };
}

/** As the bootstrap: a tenth of the memory for the young generation (half per semi-space), the rest old. */
export function bootstrapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return ['--max-http-header-size', '81920', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

function run(c: RunContext, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'lambda-node-home-'));
  return new Promise((resolve, reject) => {
    // The flags the bootstrap starts node with: Node 22's V8 counts the heap flags among those a
    // cache must match (Node 24's does not). --random-seed: the same inputs make the same cache
    // bytes (src/code-cache/make.ts).
    const child = spawn(c.node, [...bootstrapFlags(c.memoryMb), '--random-seed=42', MAKER(), ...args], { cwd: c.outDir, env: lambdaEnv(c, home), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs make-cache.cjs function with `spec` (its result and cache paths filled in here). */
export async function makeCache(c: RunContext, spec: Omit<FunctionSpec, 'result'>): Promise<MakeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-node-make-'));
  try {
    const full: FunctionSpec = { ...spec, result: join(dir, 'result.json') };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(full));
    const r = await run(c, ['function', join(dir, 'spec.json')], spec.timeoutMs + 60_000);
    let result: MakeResult;
    try {
      result = JSON.parse(readFileSync(full.result, 'utf8'));
    } catch {
      result = { error: `the cache maker exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ms to load `file` in a fresh process: import() of it, or (built) through its code cache. */
export async function timeLoad(c: RunContext, file: string, built: boolean, timeoutMs: number): Promise<number | undefined> {
  const r = await run(c, ['measure', file, ...(built ? ['built'] : [])], timeoutMs);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const { ms, status } = JSON.parse(last) as { ms: number; status: string };
    if (built && status !== 'hit') return undefined;
    return ms;
  } catch {
    return undefined;
  }
}
