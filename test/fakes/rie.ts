// Runs a function under AWS's Runtime Interface Emulator as a plain process (no Docker): the RIE
// serves the Runtime API to lambda-node's staged bootstrap and takes invokes over HTTP.
// Also used by scripts/example.mjs (Node runs this file with its built-in type stripping, so
// keep to erasable TypeScript: no enums, no parameter properties).
//
// Observed RIE contracts this module relies on (aws-sam-cli 1.170.0 build):
// - it starts the bootstrap lazily, on the first invoke, and again after a timeout or a crash;
// - it puts the bootstrap in a process group of its own, so stopping the RIE's group is not
//   enough: stop() kills the runtime's group too;
// - its stdout carries START/END/REPORT and the runtime's stdout and stderr; its stderr carries its
//   own "(rapid)" log;
// - it serves the Runtime API on a second address (--runtime-api-address, default 127.0.0.1:9001),
//   so two RIEs at once need two ports each.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { HOST_ARCH, ROOT, stageDir, type NodeMajor } from './spawn-runtime.ts';

export const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

export function rieBinary(arch = HOST_ARCH): string {
  return join(ROOT, '.toolchain/rie', `aws-lambda-rie-${arch}`);
}

export interface RieOptions {
  /** Runtime Node major; picks build/stage/<host arch>-node<major>. Default 24. */
  node?: NodeMajor;
  /** A staged directory (bootstrap, bin/node, lambda-node/) instead of the one for `node`. */
  stage?: string;
  /** LAMBDA_TASK_ROOT and the working directory. */
  taskRoot: string;
  /** _HANDLER. */
  handler: string;
  /** Added to the RIE's environment, which it passes on to the runtime; undefined removes. */
  env?: Record<string, string | undefined>;
  /**
   * Puts something between the runtime and the RIE's Runtime API: called with the RIE's Runtime
   * API address, returns the address the runtime is given instead (a fault proxy, a blackhole).
   */
  throughProxy?: (runtimeApi: string) => Promise<string>;
}

export interface RieResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json(): any;
  /** This invocation's platform and runtime lines; waits for its REPORT line. */
  log(timeoutMs?: number): Promise<InvocationLog>;
}

export interface InvocationLog {
  /** From the RIE's START line. */
  requestId: string;
  /** Every line from START to REPORT, both included. */
  lines: string[];
  /** The lines between START and END: what the runtime printed during this invocation. */
  runtime: string[];
}

export interface StartedRie {
  /** The invoke endpoint. */
  readonly url: string;
  /** `headers`: the invoke request's own (X-Amz-Tenant-Id, X-Amzn-Trace-Id, ...). */
  invoke(event?: unknown, headers?: Record<string, string>): Promise<RieResponse>;
  /** The RIE's stdout as lines: START/END/REPORT and the runtime's output. */
  logs(): string[];
  /** The RIE's own log (stderr). */
  rapidLogs(): string[];
  /** Resolves with the first line of logs() (rapidLogs() with `rapid`) at or after index `from` that matches. */
  waitForLog(pattern: RegExp, o?: { from?: number; timeoutMs?: number; rapid?: boolean }): Promise<string>;
  /** Kills the RIE and every runtime process it started; resolves when they are gone. */
  stop(): Promise<void>;
  /**
   * SIGTERM to the RIE alone, as `docker stop` sends it: the RIE shuts its sandbox down as Lambda
   * does (SIGTERM to the runtime first if an extension is registered, else SIGKILL). Resolves when
   * the RIE has exited.
   */
  terminate(timeoutMs?: number): Promise<void>;
}

/** The environment the RIE starts from: what Lambda gives every function besides its AWS_* keys. */
function baseEnv(o: RieOptions): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: o.handler,
    LAMBDA_TASK_ROOT: o.taskRoot,
    ...o.env,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** pids whose parent is `pid`, and theirs (Linux /proc; the RIE runs only on Linux). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parentOf) if (ppid === parent && !found.includes(child)) (found.push(child), walk(child));
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function killGroupAndPid(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone, or not a group leader
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

interface Launched {
  proc: ChildProcess;
  port: number;
  out: { text: string };
  err: { text: string };
  exited: Promise<void>;
}

/** A bootstrap that runs `bootstrap` with AWS_LAMBDA_RUNTIME_API set to `api` (the RIE sets its own). */
function wrapBootstrap(bootstrap: string, api: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-node-rie-proxy-'));
  const wrapper = join(dir, 'bootstrap');
  writeFileSync(wrapper, `#!/bin/sh\nAWS_LAMBDA_RUNTIME_API='${api}'\nexport AWS_LAMBDA_RUNTIME_API\nexec '${bootstrap}' "$@"\n`, { mode: 0o755 });
  return wrapper;
}

async function launch(o: RieOptions, runtimeBootstrap: string): Promise<Launched | 'port-taken'> {
  const port = await freePort();
  let apiPort = await freePort();
  while (apiPort === port) apiPort = await freePort();
  const bootstrap = o.throughProxy ? wrapBootstrap(runtimeBootstrap, await o.throughProxy(`127.0.0.1:${apiPort}`)) : runtimeBootstrap;
  const args = ['--runtime-interface-emulator-address', `127.0.0.1:${port}`, '--runtime-api-address', `127.0.0.1:${apiPort}`, bootstrap];
  // detached: the RIE leads its own process group, so stop() can kill it and whatever it forks.
  const proc = spawn(rieBinary(), args, { cwd: o.taskRoot, env: baseEnv(o), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out = { text: '' };
  const err = { text: '' };
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out.text += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err.text += d));
  let done = false;
  const exited = new Promise<void>((resolve) => proc.once('close', () => ((done = true), resolve())));
  const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const failed = await Promise.race([spawnError, sleep(20).then(() => undefined)]);
    if (failed) throw new Error(`cannot start ${rieBinary()}: ${failed.message}`);
    if (done) {
      if (/address already in use/.test(err.text)) return 'port-taken';
      throw new Error(`the RIE exited at start:\n${err.text}${out.text}`);
    }
    if (await canConnect(port)) return { proc, port, out, err, exited };
    if (Date.now() > deadline) {
      killGroupAndPid(proc.pid!);
      throw new Error(`the RIE did not listen on 127.0.0.1:${port} within 10 s:\n${err.text}`);
    }
  }
}

export async function startRie(o: RieOptions): Promise<StartedRie> {
  const stage = o.stage ?? stageDir(o.node ?? 24);
  const bootstrap = join(stage, 'bootstrap');
  if (!existsSync(bootstrap)) throw new Error(`${bootstrap} is missing: run make test-prereqs`);
  if (!existsSync(rieBinary())) throw new Error(`${rieBinary()} is missing: run make rie`);

  let launched: Launched | 'port-taken' = 'port-taken';
  // A port picked free can be taken before the RIE binds it (other tests run in parallel).
  for (let attempt = 0; attempt < 5 && launched === 'port-taken'; attempt++) launched = await launch(o, bootstrap);
  if (launched === 'port-taken') throw new Error('the RIE found its ports taken 5 times');
  const { proc, port, out, err, exited } = launched;
  const url = `http://127.0.0.1:${port}${INVOKE_PATH}`;
  const logs = () => splitLines(out.text);

  async function waitForLog(pattern: RegExp, w: { from?: number; timeoutMs?: number; rapid?: boolean } = {}): Promise<string> {
    const source = w.rapid ? err : out;
    const deadline = Date.now() + (w.timeoutMs ?? 5_000);
    for (;;) {
      const hit = splitLines(source.text)
        .slice(w.from ?? 0)
        .find((l) => pattern.test(l));
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`no log line matches ${pattern} within ${w.timeoutMs ?? 5_000} ms; logs:\n${source.text}`);
      await sleep(10);
    }
  }

  async function invoke(event: unknown = {}, requestHeaders: Record<string, string> = {}): Promise<RieResponse> {
    const from = logs().length;
    const res = await request(url, {
      method: 'POST',
      headers: requestHeaders,
      body: typeof event === 'string' ? event : JSON.stringify(event),
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const body = await res.body.text();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    return {
      status: res.statusCode,
      headers,
      body,
      json: () => JSON.parse(body),
      async log(timeoutMs = 5_000) {
        const start = await waitForLog(/^START RequestId: /, { from, timeoutMs });
        const requestId = start.split(' ')[2]!;
        await waitForLog(new RegExp(`^REPORT RequestId: ${requestId}\\t`), { from, timeoutMs });
        const all = logs();
        const first = all.indexOf(start, from);
        const end = all.findIndex((l, i) => i > first && l === `END RequestId: ${requestId}`);
        const report = all.findIndex((l, i) => i > first && l.startsWith(`REPORT RequestId: ${requestId}\t`));
        return { requestId, lines: all.slice(first, report + 1), runtime: all.slice(first + 1, end) };
      },
    };
  }

  async function stop(): Promise<void> {
    const pid = proc.pid!;
    // Collect the runtime processes while the RIE is still their parent.
    const children = alive(pid) ? descendants(pid) : [];
    killGroupAndPid(pid);
    for (const child of children) killGroupAndPid(child);
    await exited;
    const deadline = Date.now() + 5_000;
    while (children.some(alive)) {
      if (Date.now() > deadline) throw new Error(`runtime processes ${children.filter(alive).join(', ')} outlived the RIE`);
      await sleep(10);
    }
  }

  async function terminate(timeoutMs = 5000): Promise<void> {
    proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the RIE did not exit within ${timeoutMs} ms of SIGTERM`)), timeoutMs)))]);
    clearTimeout(timer);
  }

  return { url, invoke, logs, rapidLogs: () => splitLines(err.text), waitForLog, stop, terminate };
}
