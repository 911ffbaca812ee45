// The Runtime API client: what the platform sees this runtime do. One written retry policy:
//  - /next refused, reset, unanswered at connect (1 s, as aws-lambda-cpp) or answered 5xx/429:
//    retried 100 ms doubling, for 5 s in all from the first failure, then a RuntimeApiError (the
//    runtime exits 1 with one clear line). Never spins.
//  - a posted result answered 5xx/429 or reset: the same post is retried, 3 tries in all.
//  - 4xx on a post (400, 403, 413): not retried; the answer goes back to the caller to log.
// Managed Instances (MANAGED_RETRY) retries /next as aws-lambda-ric 4.x does there: 100 ms
// doubling, each delay capped at 90 s, 19 retries (the last one past the 15-minute mark).
import { Http1Connection, type ApiResponse } from './http1.ts';
import { ConnectionPool, type ApiConnection } from './pool.ts';
import type { ResponseSink } from '../stream/response-stream.ts';
import * as requests from './requests.ts';
import { REQUEST_ID } from './headers.ts';
import { RuntimeApiError } from '../errors/runtime-errors.ts';
import type { ErrorResponse } from '../errors/format.ts';

export interface Invocation {
  readonly requestId: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type PostOutcome = { readonly accepted: true } | { readonly accepted: false; readonly status: number; readonly body: string };

export interface RetryPolicy {
  readonly firstDelayMs: number;
  /** The longest single pause between two /next tries. */
  readonly maxDelayMs: number;
  /** /next: wall time from the first failure, and the number of retries, whichever ends first. */
  readonly nextBudgetMs: number;
  readonly nextRetries: number;
  readonly postTries: number;
}

export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 100, maxDelayMs: 5000, nextBudgetMs: 5000, nextRetries: Infinity, postTries: 3 };
export const MANAGED_RETRY: RetryPolicy = { firstDelayMs: 100, maxDelayMs: 90_000, nextBudgetMs: Infinity, nextRetries: 19, postTries: 3 };

export interface ClientOptions {
  readonly retry?: RetryPolicy;
  /** A connection per request in flight (Managed Instances), instead of one for all. */
  readonly pool?: boolean;
  /** Told of each /next failure that is retried, before the pause. */
  readonly onNextRetry?: (err: RuntimeApiError, attempt: number, pauseMs: number) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function parseEndpoint(endpoint: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(endpoint.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid AWS_LAMBDA_RUNTIME_API value ${JSON.stringify(endpoint)}: expected host:port`);
  return { host: (m[1] ?? m[2]) as string, port };
}

export class RuntimeApiClient {
  private readonly conn: ApiConnection;
  private readonly retry: RetryPolicy;
  private readonly host: string;
  private readonly port: number;
  private extension: Http1Connection | undefined;
  private released = false;

  constructor(
    endpoint: string,
    private readonly userAgent: string,
    private readonly options: ClientOptions = {},
  ) {
    const { host, port } = parseEndpoint(endpoint);
    this.host = host;
    this.port = port;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.conn = options.pool ? new ConnectionPool(host, port, userAgent) : new Http1Connection(host, port, userAgent);
  }

  /**
   * Registers an internal extension that subscribes to no event (Lambda then sends SIGTERM before
   * it ends the environment), on a connection of its own, and parks its /event/next there for
   * good: init ends only once every extension has called it. Resolves with the extension's id.
   */
  async registerShutdownExtension(name: string): Promise<string> {
    const conn = new Http1Connection(this.host, this.port, this.userAgent);
    const req = requests.registerExtension(name);
    let res: ApiResponse;
    try {
      res = await conn.request(req);
    } catch (err) {
      conn.close();
      throw err;
    }
    const id = res.headers['lambda-extension-identifier'];
    if (res.status !== 200 || !id) {
      conn.close();
      throw res.status !== 200 ? statusError(req, res) : new RuntimeApiError(req.method, req.path, res.status, 'answer has no Lambda-Extension-Identifier header');
    }
    conn.park(requests.nextExtensionEvent(id)).catch(() => undefined);
    this.extension = conn;
    return id;
  }

  /**
   * At shutdown: a parked /next (now or later) no longer keeps the process alive. A post still
   * does, until it is answered.
   */
  release(): void {
    this.released = true;
    this.conn.unref();
    this.extension?.unref();
  }

  warm(): void {
    this.conn.warm();
  }

  close(): void {
    this.conn.close();
  }

  async nextInvocation(): Promise<Invocation> {
    const req = requests.nextInvocation();
    let delay = this.retry.firstDelayMs;
    // The budget is wall time since the first failure: a connect that times out (1 s) counts too.
    let firstFailure = 0;
    for (let retries = 0; ; retries++) {
      let failure: RuntimeApiError;
      try {
        const res = await (this.released ? this.conn.park(req) : this.conn.request(req));
        if (res.status === 200) {
          const requestId = res.headers[REQUEST_ID];
          if (!requestId) throw new RuntimeApiError('GET', req.path, 200, `answer has no ${REQUEST_ID} header`);
          return { requestId, headers: res.headers, body: res.body };
        }
        failure = statusError(req, res);
      } catch (err) {
        if (!(err instanceof RuntimeApiError)) throw err;
        failure = err;
      }
      firstFailure ||= Date.now();
      const elapsed = Date.now() - firstFailure;
      if (!failure.retryable || elapsed >= this.retry.nextBudgetMs || retries >= this.retry.nextRetries) throw failure;
      const pause = Math.min(delay, this.retry.maxDelayMs, this.retry.nextBudgetMs - elapsed);
      this.options.onNextRetry?.(failure, retries + 1, pause);
      await sleep(pause);
      delay *= 2;
    }
  }

  postResponse(requestId: string, body: string | Buffer): Promise<PostOutcome> {
    return this.post(requests.postResponse(requestId, body));
  }

  /**
   * Opens the streamed response of an invocation (its head is sent at once, so call this at the
   * first write). A streamed post cannot be retried: a failure reaches the caller of end().
   */
  streamResponse(requestId: string, contentType: string): ResponseSink {
    const req = requests.postStreamingResponse(requestId, contentType);
    const upload = this.conn.upload(req);
    return {
      write: (chunk, done) => upload.write(chunk, done),
      end: async (trailers) => {
        const res = await upload.end(trailers);
        if (res.status >= 200 && res.status < 300) return { accepted: true };
        return { accepted: false, status: res.status, body: res.body.toString('utf8') };
      },
    };
  }

  postError(requestId: string, error: ErrorResponse, xrayCause: string): Promise<PostOutcome> {
    return this.post(requests.postError(requestId, error, xrayCause));
  }

  postInitError(error: ErrorResponse): Promise<PostOutcome> {
    return this.post(requests.postInitError(error));
  }

  private async post(req: requests.ApiRequest): Promise<PostOutcome> {
    let delay = this.retry.firstDelayMs;
    for (let attempt = 1; ; attempt++) {
      let failure: RuntimeApiError;
      try {
        const res = await this.conn.request(req);
        if (res.status >= 200 && res.status < 300) return { accepted: true };
        failure = statusError(req, res);
        if (!failure.retryable) return { accepted: false, status: res.status, body: res.body.toString('utf8') };
      } catch (err) {
        if (!(err instanceof RuntimeApiError)) throw err;
        failure = err;
      }
      if (attempt >= this.retry.postTries) throw failure;
      await sleep(delay);
      delay *= 2;
    }
  }
}

function statusError(req: requests.ApiRequest, res: ApiResponse): RuntimeApiError {
  const body = res.body.toString('utf8');
  return new RuntimeApiError(req.method, req.path, res.status, `${req.method} ${req.path} answered ${res.status}${body ? `: ${body.slice(0, 300)}` : ''}`, body);
}
