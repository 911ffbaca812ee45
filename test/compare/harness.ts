// Runs lambda-node and aws-lambda-ric side by side: the same Node binary, the same fixture, the
// same environment, each against its own recording FakeRuntimeApi, fed the same invocations (with
// request ids chosen here, so they match). Collects what each one posted and printed.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRuntimeApi, type QueuedInvocation, type RecordedRequest } from '../fakes/fake-runtime-api.ts';
import { ROOT, spawnRuntime, type NodeMajor, type RuntimeKind } from '../fakes/spawn-runtime.ts';

export const FIXTURES = join(ROOT, 'test/fixtures');
export const KINDS: RuntimeKind[] = ['aws-lambda-ric', 'lambda-node'];
const PREFIX = '/2018-06-01/runtime';

export interface Invoke extends QueuedInvocation {
  requestId: string;
  /** After the result, wait until stdout or stderr matches this (at most 5 s)... */
  afterOutput?: RegExp;
  /** ...then this long, before the next invocation is queued. */
  pauseAfterMs?: number;
}

export interface PairSpec {
  node: NodeMajor;
  /** Folder under test/fixtures. */
  fixture: string;
  handler: string;
  env?: Record<string, string | undefined>;
  invokes?: Invoke[];
  /** The process ends by itself (init error, uncaught exception): wait for it instead of killing it. */
  exits?: boolean;
  /** Hand the child a telemetry log file as fd 3 and set _LAMBDA_TELEMETRY_LOG_FD=3. */
  telemetry?: boolean;
}

export interface Frame {
  type: number;
  length: number;
  /** Microseconds since the epoch. */
  timestamp: bigint;
  payload: string;
}

export interface Run {
  kind: RuntimeKind;
  node: NodeMajor;
  requests: RecordedRequest[];
  lines: string[];
  stdout: string;
  stderr: string;
  /** How the process ended by itself; undefined when it was still running and got killed. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  frames: Frame[];
  startedAt: number;
  endedAt: number;
  /** When each invocation was queued at the fake Runtime API (epoch ms). */
  queuedAt: Map<string, number>;
  /** When the process ended (epoch ms). */
  exitedAt: number;
}

export interface Pair {
  ric: Run;
  ln: Run;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  const worker = async () => {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function runOne(kind: RuntimeKind, spec: PairSpec): Promise<Run> {
  const api = await FakeRuntimeApi.start();
  // After an init error the sandbox is torn down: a /next that comes after it finds no server.
  // (aws-lambda-ric 3.x sends one, and its exit waits for that call to return.)
  api.faults = ({ method, path }) =>
    method === 'GET' && path === `${PREFIX}/invocation/next` && api.requests.some((r) => r.path === `${PREFIX}/init/error`) ? { kind: 'reset' } : undefined;
  let dir: string | undefined;
  let fd: number | undefined;
  const env = { ...spec.env };
  if (spec.telemetry) {
    dir = mkdtempSync(join(tmpdir(), 'lambda-node-telemetry-'));
    fd = openSync(join(dir, 'frames'), 'w+');
    env._LAMBDA_TELEMETRY_LOG_FD = '3';
  }
  const startedAt = Date.now();
  const rt = spawnRuntime({
    kind,
    node: spec.node,
    api: api.address,
    taskRoot: join(FIXTURES, spec.fixture),
    handler: spec.handler,
    env,
    extraFds: fd === undefined ? [] : [fd],
  });
  let exit: Run['exit'];
  let gone = false;
  let killed = false;
  let exitedAt = 0;
  const queuedAt = new Map<string, number>();
  const exited = rt.exited.then((e) => {
    gone = true;
    exitedAt = Date.now();
    if (!killed) exit = e;
    return undefined;
  });
  try {
    const invokes = spec.invokes ?? [];
    for (const inv of invokes) {
      if (gone) break;
      api.enqueue(inv);
      queuedAt.set(inv.requestId, Date.now());
      const settled = await Promise.race([settle(api.result(inv.requestId, 15_000)), exited.then(() => false)]);
      if (settled instanceof Error) throw settled;
      if (!settled) break;
      for (const until = Date.now() + 5000; inv.afterOutput && !inv.afterOutput.test(rt.stdout() + rt.stderr()) && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 20));
      }
      if (inv.pauseAfterMs) await new Promise((r) => setTimeout(r, inv.pauseAfterMs));
    }
    if (spec.exits) {
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    } else if (!gone) {
      // Idle again: the last invocation is over and everything it printed is out.
      const idle = await Promise.race([settle(api.nextCalls(invokes.length + 1, 15_000)), exited.then(() => false)]);
      if (idle instanceof Error) throw idle;
    }
  } finally {
    if (!gone) {
      killed = true;
      await rt.kill();
    }
    await exited;
    await api.close();
  }
  let frames: Frame[] = [];
  if (fd !== undefined && dir !== undefined) {
    closeSync(fd);
    frames = parseFrames(readFileSync(join(dir, 'frames')));
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    kind,
    node: spec.node,
    requests: api.requests,
    lines: rt.lines(),
    stdout: rt.stdout(),
    stderr: rt.stderr(),
    exit,
    frames,
    startedAt,
    endedAt: Date.now(),
    queuedAt,
    exitedAt,
  };
}

/** true when `p` resolves, its error when it rejects: a wait that loses a race never rejects unheard. */
function settle(p: Promise<unknown>): Promise<true | Error> {
  return p.then(
    () => true as const,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
}

export async function runPair(spec: PairSpec): Promise<Pair> {
  const t = Date.now();
  const [ric, ln] = await Promise.all(KINDS.map((k) => runOne(k, spec)));
  // COMPARE_DEBUG=1 prints how long each pair took (to find what makes the suite slow).
  if (process.env.COMPARE_DEBUG) console.log(`${spec.fixture} ${spec.handler} node${spec.node} ${JSON.stringify(spec.env ?? {})}: ${Date.now() - t} ms`);
  return { ric: ric as Run, ln: ln as Run };
}

/** Telemetry frames: type (u32) | length (i32) | timestamp µs (i64) | payload, big-endian. */
export function parseFrames(buf: Buffer): Frame[] {
  const frames: Frame[] = [];
  let off = 0;
  while (off + 16 <= buf.length) {
    const type = buf.readUInt32BE(off);
    const length = buf.readInt32BE(off + 4);
    const timestamp = buf.readBigInt64BE(off + 8);
    const payload = buf.subarray(off + 16, off + 16 + length).toString('utf8');
    frames.push({ type, length, timestamp, payload });
    off += 16 + length;
  }
  if (off !== buf.length) throw new Error(`telemetry file: ${buf.length - off} trailing bytes do not form a frame`);
  return frames;
}

// ---- what a run posted ----

/** The /response or /error post for this request id. */
export function resultOf(run: Run, requestId: string): RecordedRequest | undefined {
  return run.requests.find((r) => r.method === 'POST' && r.path.startsWith(`${PREFIX}/invocation/${encodeURIComponent(requestId)}/`));
}

export function initErrorOf(run: Run): RecordedRequest | undefined {
  return run.requests.find((r) => r.method === 'POST' && r.path === `${PREFIX}/init/error`);
}

/** Method and path of every request, in order. */
export function requestLine(r: RecordedRequest): string {
  return `${r.method} ${r.path}`;
}

// ---- normalisation ----

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;
const FRAME = /^\s+at /;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Files of the runtimes themselves: where each one's own code lives. */
const RUNTIME_FILES = [
  join(ROOT, 'node_modules/aws-lambda-ric-3/dist/index.mjs'),
  join(ROOT, 'node_modules/aws-lambda-ric/index.mjs'),
  join(ROOT, 'test/fakes/ric3-main.mjs'),
];
const RUNTIME_PATH = new RegExp(
  [...RUNTIME_FILES.map((f) => `(?:file://)?${escapeRe(f)}`), `(?:file://)?${escapeRe(join(ROOT, 'build/stage'))}/[^/]+/lambda-node/runtime\\.cjs`].join('|'),
  'g',
);

/** Timestamps, runtime file paths and stack frames (lines starting with "    at ") out of a string. */
export function normText(s: string): string {
  return s
    .replace(ISO_TIME, '<TIME>')
    .replace(RUNTIME_PATH, '<RUNTIME>')
    .split(/(\r\n|\r|\n)/)
    .reduce<string[]>((acc, part, i, all) => {
      // Separators sit at odd indices; drop a frame together with the separator before it.
      if (i % 2 === 0) {
        if (FRAME.test(part)) {
          if (acc.length > 0) acc.pop();
          // A frame that closes an inspected error's own fields keeps them (`at x (f:1:2) {`).
          if (part.endsWith(' {')) acc.push(all[i - 1] ?? '', '{');
        } else acc.push(part);
      } else acc.push(part);
      return acc;
    }, [])
    .join('');
}

/** Recursively: strings normalised, stack frames dropped from arrays. */
export function normValue(v: unknown): unknown {
  if (typeof v === 'string') return normText(v);
  if (Array.isArray(v)) return v.filter((x) => !(typeof x === 'string' && FRAME.test(x))).map(normValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normValue(x)]));
  return v;
}

export function tryJson(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

/**
 * One stdout log line, normalised. A JSON record is parsed and normalised field by field; a text
 * record is split on tabs and each field that is JSON (the error of an "Invoke Error" line) is too.
 */
export function normLine(line: string): string {
  const whole = tryJson(line);
  if (whole.ok && whole.value && typeof whole.value === 'object') return JSON.stringify(normValue(whole.value));
  return line
    .split('\t')
    .map((field) => {
      const j = tryJson(field);
      return j.ok && j.value !== null && typeof j.value === 'object' ? JSON.stringify(normValue(j.value)) : normText(field);
    })
    .join('\t');
}

/** A posted body: JSON parsed and normalised, else the text. */
export function normBody(body: Buffer): unknown {
  const s = body.toString('utf8');
  const j = tryJson(s);
  return j.ok ? normValue(j.value) : normText(s);
}

/** The X-Ray cause document: type and message compared, frames (runtime-specific) reduced to the user's. */
export function normXRay(value: string | undefined): unknown {
  if (value === undefined) return '<absent>';
  if (value === '') return '';
  const j = tryJson(value);
  if (!j.ok) return { unparsable: value };
  const doc = j.value as { working_directory: string; exceptions: { type?: string; message?: string; stack: { path: string; line: number; label: string }[] }[]; paths: string[] };
  const userFrame = (p: string) => p.startsWith(FIXTURES) || p.startsWith(`file://${FIXTURES}`);
  return {
    working_directory: doc.working_directory,
    exceptions: doc.exceptions.map((e) => ({
      type: e.type,
      message: e.message === undefined ? undefined : normText(e.message),
      // Which user files the trace goes through (the runtime's own frames differ by design).
      userPaths: [...new Set(e.stack.map((f) => f.path).filter(userFrame))],
    })),
    userPaths: doc.paths.filter(userFrame),
  };
}

/** The headers of a post the Runtime API acts on, normalised. */
export function postShape(r: RecordedRequest | undefined): unknown {
  if (!r) return undefined;
  return {
    request: requestLine(r),
    contentType: r.headers['content-type'],
    errorType: r.headers['lambda-runtime-function-error-type'] ?? '<absent>',
    xray: normXRay(r.headers['lambda-runtime-function-xray-error-cause']),
    body: normBody(r.body),
  };
}

/**
 * The names of the headers a post carries, minus the client's identity (User-Agent, Accept,
 * Connection: AWS_Lambda_Cpp or Node's http client there, lambda-node here) and Host. Each name is
 * compared, values where they mean something (content type, error type, X-Ray cause) in postShape.
 */
export function headerNames(r: RecordedRequest | undefined): string[] {
  const identity = new Set(['host', 'user-agent', 'accept', 'connection']);
  return Object.keys(r?.headers ?? {})
    .filter((h) => !identity.has(h))
    .sort();
}

/** Log lines that carry this request id (text: second field; JSON: requestId). */
export function linesFor(run: Run, requestId: string): string[] {
  return run.lines.filter((l) => {
    const j = tryJson(l);
    if (j.ok && j.value && typeof j.value === 'object') return (j.value as { requestId?: string }).requestId === requestId;
    return l.split('\t')[1] === requestId;
  });
}

/**
 * Node's own report of an error that ended the process, normalised. The source excerpt it starts
 * with (`file:line`, the code line, a caret) shows the runtime's own code: replaced.
 */
export function normStderr(s: string): string {
  return normText(s.replace(/^[^\n]*:\d+\n[^\n]*\n *\^+\n\n/, '<SOURCE EXCERPT>\n').replace(/Node\.js v\d+\.\d+\.\d+/g, 'Node.js <VERSION>'));
}
