// A real node:http server on 127.0.0.1:0 that speaks the Lambda Runtime API and records every
// request (method, path, headers, body, trailers). Invocations are queued by the test; /next parks
// until one is queued. Faults can be injected per request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly trailers: Record<string, string>;
  readonly at: number;
}

export interface QueuedInvocation {
  requestId?: string;
  /** JSON-encoded unless a Buffer or `rawBody` is given. */
  event?: unknown;
  rawBody?: string | Buffer;
  /** Default: now + 30 s. `null` leaves the header out. */
  deadlineMs?: number | string | null;
  functionArn?: string;
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
  /** Extra raw headers. */
  headers?: Record<string, string>;
}

export type Fault =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'reset' }
  | { kind: 'hang' };

/** Decides a fault for a request, or undefined to answer normally. Called once per request. */
export type FaultPlan = (req: { method: string; path: string; index: number }) => Fault | undefined;

export interface Result {
  readonly kind: 'response' | 'error';
  readonly request: RecordedRequest;
  readonly body: Buffer;
  /** Parsed JSON body (undefined if not JSON). */
  readonly json: unknown;
}

const PREFIX = '/2018-06-01/runtime';

export class FakeRuntimeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: QueuedInvocation[] = [];
  private readonly parked: ServerResponse[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();
  /** TCP connections accepted so far (a keep-alive client opens one). */
  connections = 0;
  faults: FaultPlan | undefined;
  /** Status answered to a posted /response or /error (default 202). */
  postStatus: (path: string) => { status: number; body: string } = () => ({ status: 202, body: '{"status":"OK"}' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeRuntimeApi> {
    const server = createServer();
    const api = new FakeRuntimeApi(server);
    server.on('connection', (s) => {
      api.connections++;
      api.sockets.add(s);
      s.on('close', () => api.sockets.delete(s));
    });
    server.on('request', (req, res) => api.onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const a = this.server.address() as AddressInfo;
    return `${a.address}:${a.port}`;
  }

  /** Close a keep-alive connection after it has been idle this long (Node's default is 5 s). */
  closeIdleAfter(ms: number): void {
    this.server.keepAliveTimeout = ms;
    // Node 24 adds a grace period on top of keepAliveTimeout; none here.
    (this.server as Server & { keepAliveTimeoutBuffer?: number }).keepAliveTimeoutBuffer = 0;
  }

  /** Queue an invocation; returns its request id. */
  enqueue(inv: QueuedInvocation = {}): string {
    const requestId = inv.requestId ?? randomUUID();
    this.queue.push({ ...inv, requestId });
    this.dispatch();
    return requestId;
  }

  /** Resolves when /response or /error for this request id has been received. */
  result(requestId: string, timeoutMs = 10_000): Promise<Result> {
    return this.waitFor(
      () => {
        const r = this.requests.find((q) => q.path.startsWith(`${PREFIX}/invocation/${encodeURIComponent(requestId)}/`) && q.method === 'POST');
        if (!r) return undefined;
        return { kind: r.path.endsWith('/error') ? 'error' : 'response', request: r, body: r.body, json: tryJson(r.body) } as Result;
      },
      timeoutMs,
      `result of ${requestId}`,
    );
  }

  initError(timeoutMs = 10_000): Promise<RecordedRequest> {
    return this.waitFor(() => this.requests.find((r) => r.path === `${PREFIX}/init/error`), timeoutMs, 'init error');
  }

  /** Resolves once `n` /next calls have arrived (the runtime is waiting for work). */
  nextCalls(n: number, timeoutMs = 10_000): Promise<RecordedRequest> {
    return this.waitFor(() => this.requests.filter((r) => r.path === `${PREFIX}/invocation/next`)[n - 1], timeoutMs, `${n} /next calls`);
  }

  waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`fake runtime API: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = () => {
        if (check()) this.waiters.splice(this.waiters.indexOf(waiter), 1);
      };
      if (!check()) this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    for (const res of this.parked.splice(0)) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
      const trailers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.trailers)) trailers[k] = String(v);
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers, body: Buffer.concat(chunks), trailers, at: Date.now() };
      const index = this.requests.length;
      this.requests.push(rec);
      const fault = this.faults?.({ method: rec.method, path: rec.path, index });
      if (fault) {
        this.applyFault(fault, req, res);
      } else if (rec.method === 'GET' && rec.path === `${PREFIX}/invocation/next`) {
        this.parked.push(res);
        this.dispatch();
      } else if (rec.method === 'POST' && rec.path === '/2020-01-01/extension/register') {
        // An internal extension: its id, and (as Lambda) the function's details in the body.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Extension-Identifier': randomUUID() });
        res.end(JSON.stringify({ functionName: 'test_function', functionVersion: '$LATEST', handler: 'index.handler' }));
      } else if (rec.method === 'GET' && rec.path === '/2020-01-01/extension/event/next') {
        // Subscribed to no event: never answered (closed with the server).
      } else if (rec.method === 'POST' && rec.path.startsWith(`${PREFIX}/`)) {
        const known = rec.path === `${PREFIX}/init/error` || /\/invocation\/[^/]+\/(response|error)$/.test(rec.path);
        const { status, body } = known ? this.postStatus(rec.path) : { status: 404, body: '{"errorMessage":"not found"}' };
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
      } else {
        res.writeHead(404).end();
      }
      this.notify();
    });
  }

  private applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): void {
    if (fault.kind === 'status') res.writeHead(fault.status, { 'Content-Type': 'application/json' }).end(fault.body ?? '');
    else if (fault.kind === 'reset') req.socket.resetAndDestroy();
    // 'hang': never answer
  }

  private dispatch(): void {
    while (this.parked.length > 0 && this.queue.length > 0) {
      const res = this.parked.shift() as ServerResponse;
      if (res.destroyed) continue;
      const inv = this.queue.shift() as QueuedInvocation;
      const body = inv.rawBody !== undefined ? inv.rawBody : Buffer.isBuffer(inv.event) ? inv.event : JSON.stringify(inv.event ?? {});
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': inv.requestId as string,
        'Lambda-Runtime-Invoked-Function-Arn': inv.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:test',
      };
      if (inv.deadlineMs !== null) headers['Lambda-Runtime-Deadline-Ms'] = String(inv.deadlineMs ?? Date.now() + 30_000);
      if (inv.traceId !== undefined) headers['Lambda-Runtime-Trace-Id'] = inv.traceId;
      if (inv.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = inv.clientContext;
      if (inv.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = inv.cognitoIdentity;
      if (inv.tenantId !== undefined) headers['Lambda-Runtime-Aws-Tenant-Id'] = inv.tenantId;
      Object.assign(headers, inv.headers);
      res.writeHead(200, headers).end(body);
    }
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

function tryJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}
