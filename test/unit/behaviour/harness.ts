// Shared by the behaviour tests: the built runtime (staged bootstrap) as a child process against
// the in-process recording fake Runtime API, with handler files written to a fresh temporary
// directory per test.
import { afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeRuntimeApi, type RecordedRequest } from '../../fakes/fake-runtime-api.ts';
import { spawnRuntime, type NodeMajor, type RunningRuntime } from '../../fakes/spawn-runtime.ts';

export const PREFIX = '/2018-06-01/runtime';
export const NEXT = `${PREFIX}/invocation/next`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A temporary task root with these files (paths relative to it, folders created). */
export function taskDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-node-unit-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

export interface Started {
  api: FakeRuntimeApi;
  rt: RunningRuntime;
  taskRoot: string;
  /** stdout lines that contain `text`. */
  linesWith(text: string): string[];
  /**
   * Waits until at least `n` stdout lines contain `text`, then returns them all. stdout is one
   * ordered pipe: once a line has arrived, every line the runtime wrote before it has too.
   */
  waitLines(text: string, n?: number, timeoutMs?: number): Promise<string[]>;
  /** Requests to this path (exact) so far. */
  requestsTo(path: string): RecordedRequest[];
  /** POSTs for this request id so far. */
  postsFor(requestId: string): RecordedRequest[];
}

export interface StartOptions {
  node: NodeMajor;
  handler?: string;
  /** Files for a fresh task root; or give `taskRoot`. */
  files?: Record<string, string>;
  taskRoot?: string;
  env?: Record<string, string | undefined>;
  api?: FakeRuntimeApi;
}

export async function start(o: StartOptions): Promise<Started> {
  const api = o.api ?? (await FakeRuntimeApi.start());
  const taskRoot = o.taskRoot ?? taskDir(o.files ?? {});
  const rt = spawnRuntime({ kind: 'lambda-node', node: o.node, api: api.address, taskRoot, handler: o.handler ?? 'index.handler', env: o.env });
  cleanups.push(async () => {
    await rt.kill();
    await api.close();
  });
  return {
    api,
    rt,
    taskRoot,
    linesWith: (text) => rt.lines().filter((l) => l.includes(text)),
    waitLines: (text, n = 1, timeoutMs = 5000) =>
      new Promise<string[]>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          const found = rt.lines().filter((l) => l.includes(text));
          if (found.length >= n) resolve(found);
          else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${n} stdout lines with ${JSON.stringify(text)}\nstdout:\n${rt.stdout()}\nstderr:\n${rt.stderr()}`));
          else setTimeout(poll, 10);
        };
        poll();
      }),
    requestsTo: (path) => api.requests.filter((r) => r.path === path),
    postsFor: (id) => api.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`${PREFIX}/invocation/${encodeURIComponent(id)}/`)),
  };
}

/** Enqueue an event and wait for its result. */
export async function invoke(s: Started, event: unknown = {}, timeoutMs?: number) {
  const id = s.api.enqueue({ event });
  return { id, ...(await s.api.result(id, timeoutMs)) };
}

/** The process's exit, or a clear failure if it does not exit within `ms`. */
export function exitWithin(rt: RunningRuntime, ms: number) {
  return Promise.race([
    rt.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`runtime did not exit within ${ms} ms\nstdout:\n${rt.stdout()}\nstderr:\n${rt.stderr()}`)), ms)),
  ]);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Text-format log line: time, request id, level, message. */
export function parseLine(line: string): { time: string; requestId: string; level: string; message: string } {
  const [time = '', requestId = '', level = '', ...rest] = line.split('\t');
  return { time, requestId, level, message: rest.join('\t') };
}
