// StartedLambdaContainer: a function running under the RIE. invoke() posts an event to the RIE's
// invoke path on the mapped port and returns what a caller of Lambda's Invoke API would get, plus
// that invocation's log lines.
import type { StartedTestContainer } from 'testcontainers';
import { Agent, request } from 'undici';
import { LogLines, isEmulatorLine } from './logs.ts';

export const RIE_PORT = 8080;
const INVOKE_PATH = '/2015-03-31/functions/function/invocations';
const INVOKE_FAILED = /\(rapid\) Invoke failed /;

export interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
  [key: string]: unknown;
}

export interface InvokeOptions {
  /** The body as is, instead of JSON.stringify(event). */
  raw?: boolean;
  /** Sent as X-Amz-Client-Context (base64 of its JSON), which reaches `context.clientContext`. */
  clientContext?: unknown;
  headers?: Record<string, string>;
}

export interface InvokeResult<T = unknown> {
  /** HTTP status the RIE answered with. */
  status: number;
  /** The response body, unparsed. */
  body: string;
  /** The parsed body, when the invocation succeeded and the body is JSON. */
  result?: T;
  /** The error payload, when the function failed (handler error, init error, runtime exit). The
   *  RIE answers a function error with status 200 and no X-Amz-Function-Error header, as it answers
   *  a result, so any body shaped like an error payload ({errorType, errorMessage} strings) counts
   *  as one. When the runtime died without posting one (the RIE answers 502 with an empty body),
   *  this is what Lambda would answer: {errorType: "Runtime.ExitError", errorMessage:
   *  "RequestId: <id> Error: Runtime exited with error: exit status <n>"}. */
  error?: FunctionErrorPayload;
  /** The RIE's answer when the invocation ran past the function timeout. */
  timedOut: boolean;
  requestId?: string;
  /** This invocation's log lines, as Lambda's log stream shows them: the runtime's output (init
   *  output on a first invoke) and START / END / REPORT. The RIE's own diagnostics are left out. */
  logs: string[];
}

export class StartedLambdaContainer {
  readonly container: StartedTestContainer;
  readonly url: string;
  private readonly logLines: LogLines;
  private readonly timeoutSeconds: number;
  private readonly agent: Agent;

  constructor(container: StartedTestContainer, logLines: LogLines, timeoutSeconds: number) {
    this.container = container;
    this.logLines = logLines;
    this.timeoutSeconds = timeoutSeconds;
    // Only through the mapped port; "localhost" may resolve to ::1 where the port is not mapped.
    const host = container.getHost() === 'localhost' ? '127.0.0.1' : container.getHost();
    this.url = `http://${host}:${container.getMappedPort(RIE_PORT)}${INVOKE_PATH}`;
    this.agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  }

  async invoke<T = unknown>(event: unknown = {}, opts: InvokeOptions = {}): Promise<InvokeResult<T>> {
    const from = this.logLines.lines.length;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (opts.clientContext !== undefined) {
      headers['x-amz-client-context'] = Buffer.from(JSON.stringify(opts.clientContext)).toString('base64');
    }
    const res = await request(this.url, {
      method: 'POST',
      body: opts.raw ? String(event) : JSON.stringify(event),
      headers,
      dispatcher: this.agent,
    });
    const body = await res.body.text();
    // The RIE prints START before the invocation and REPORT after it answers; when the runtime
    // died instead, it logs the failure with the request id. Output that went through the other
    // pipe (stdout or stderr) may still be on its way: wait until the log is quiet.
    const startAt = await this.logLines.waitFor(from, (l) => l.startsWith('START RequestId: '), 2000);
    const id = startAt < 0 ? undefined : this.logLines.lines[startAt].split(' ')[2];
    const done = await this.logLines.waitFor(from, (l) => id !== undefined && (l.startsWith(`REPORT RequestId: ${id}`) || (INVOKE_FAILED.test(l) && l.includes(`InvokeID=${id}`))), 2000);
    await this.logLines.settle(done >= 0 && this.logLines.lines[done].startsWith('REPORT') ? 30 : 150, 1000);
    const end = this.logLines.lines.length - 1;
    const raw = this.logLines.lines.slice(from, end + 1);
    const window = raw.filter((l) => !isEmulatorLine(l));
    const out: InvokeResult<T> = {
      status: res.statusCode,
      body,
      timedOut: new RegExp(`^Task timed out after ${this.timeoutSeconds}\\.00 seconds$`).test(body),
      logs: window,
    };
    if (id) out.requestId = id;
    const parsed = parseJson(body);
    const payload = parsed.ok && isErrorPayload(parsed.value) ? parsed.value : runtimeExit(raw, out.requestId);
    if (res.headers['x-amz-function-error'] !== undefined || res.statusCode !== 200 || payload) {
      if (payload) out.error = payload;
    } else if (parsed.ok) {
      out.result = parsed.value as T;
    }
    return out;
  }

  /** Every log line so far, as Lambda's log stream would show them (`raw`: with the RIE's own). */
  logs(opts: { raw?: boolean } = {}): string[] {
    return opts.raw ? [...this.logLines.lines] : this.logLines.lines.filter((l) => !isEmulatorLine(l));
  }

  getHost(): string {
    return this.container.getHost();
  }

  getMappedPort(): number {
    return this.container.getMappedPort(RIE_PORT);
  }

  async stop(): Promise<void> {
    await this.agent.close();
    await this.container.stop({ remove: true, timeout: 1_000 });
  }
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** The shape every Lambda runtime posts to /error and /init/error. */
function isErrorPayload(v: unknown): v is FunctionErrorPayload {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.errorType === 'string' && typeof o.errorMessage === 'string';
}

/**
 * When the runtime process dies without posting an error (it crashed, or could not even start),
 * the RIE answers 502 with an empty body and says why only in its own log; Lambda's answer would
 * be this payload.
 */
function runtimeExit(raw: string[], requestId: string | undefined): FunctionErrorPayload | undefined {
  const type = raw.map((l) => /\(rapid\) First fatal error stored in appctx: (\S+)/.exec(l)?.[1]).find(Boolean);
  const why = raw.map((l) => /(Runtime exited (?:with error: [^=]+?|without providing a reason))(?: InvokeID=|$)/.exec(l)?.[1]).find(Boolean);
  if (!type || !why) return undefined;
  return { errorType: type, errorMessage: `RequestId: ${requestId ?? ''} Error: ${why}` };
}
