// A minimal HTTP/1.1 client over one keep-alive TCP connection (node:net).
//
// Why not node:http or fetch: tracers (X-Ray, OpenTelemetry, Powertools Tracer) patch http.request
// and fetch and subscribe to node:http's diagnostics_channel events. The official runtime's own
// Runtime API calls go through a native client and never appear in a user's traces; HTTP spoken
// over a socket opened before user code loads doesn't either, and costs less per invoke.
import { connect, type Socket } from 'node:net';
import type { ApiRequest } from './requests.ts';
import { RuntimeApiError } from '../errors/runtime-errors.ts';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');
export const CONNECT_TIMEOUT_MS = 1000;

interface Exchange {
  readonly socket: Socket;
  data(chunk: Buffer): void;
  end(): void;
  fail(message: string): void;
}

export class Http1Connection {
  private socket: Socket | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();
  /** Requests started and not yet answered (or failed). */
  private pending = 0;
  /** The exchange waiting for its answer on `socket`. */
  private current: Exchange | undefined;
  /** Heads of requests without headers or body (GET /next): the same bytes every time. */
  private readonly heads = new Map<string, string>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly userAgent: string,
  ) {}

  /** Open the connection now, so that user code loaded later never sees it being made. */
  warm(): void {
    this.open().unref();
  }

  /** Requests on one connection run one after another. */
  request(req: ApiRequest): Promise<ApiResponse> {
    // The invoke loop's requests never overlap: then no chain (and none of its allocations).
    const send = () => this.send(req);
    const run = this.pending === 0 ? send() : this.inFlight.then(send, send);
    return this.track(run);
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.pending++;
    const settled = () => {
      this.pending--;
    };
    run.then(settled, settled);
    this.inFlight = run;
    return run;
  }

  /**
   * A request that must not keep the process alive while it waits (the socket stays unref'd):
   * the Extensions API's /event/next, parked for good.
   */
  park(req: ApiRequest): Promise<ApiResponse> {
    const send = () => this.exchange(req, (socket, head) => socket.write(head), false);
    return this.track(this.inFlight.then(send, send));
  }

  /** Lets the process end although a request waits on this connection (at shutdown). */
  unref(): void {
    this.socket?.unref();
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    // Listeners for the socket's life, not one set per request: they hand its events to the
    // exchange in progress on it, if any (an answer that is not awaited is not read).
    const current = () => (this.current?.socket === socket ? this.current : undefined);
    socket.on('data', (chunk: Buffer) => current()?.data(chunk));
    socket.on('end', () => current()?.end());
    socket.on('error', (err: Error) => current()?.fail(err.message));
    socket.on('close', () => current()?.fail('connection closed before a complete response'));
    // A connect that gets no answer (a dropped SYN) fails after a second, as aws-lambda-cpp's
    // (CURLOPT_CONNECTTIMEOUT 1 s, src/runtime.cpp); the request then fails like a refused one
    // and the retry policy applies. Only the connect: a parked /next waits as long as it takes.
    // The timer is looked at again after the loop's I/O phase: a connect that completed while
    // user code held the loop for more than a second is not taken for one that timed out.
    const timedOut = () => {
      if (socket.connecting) socket.destroy(new Error(`connect to ${this.host}:${this.port} timed out after ${CONNECT_TIMEOUT_MS} ms`));
    };
    const timer = setTimeout(() => setImmediate(timedOut), CONNECT_TIMEOUT_MS);
    timer.unref();
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
    });
    this.socket = socket;
    return socket;
  }

  /**
   * A POST whose body the caller writes chunk by chunk (Transfer-Encoding: chunked) and ends with
   * trailers. It holds the connection until the Runtime API answers. The socket stays unref'd
   * while the body is being written, so an invocation whose code left nothing pending (and never
   * ends its stream) still lets the event loop empty; it is ref'd once the body has ended.
   */
  upload(req: ApiRequest): ChunkedUpload {
    let ready!: (socket: Socket) => void;
    const opened = new Promise<Socket>((resolve) => (ready = resolve));
    const start = (socket: Socket, head: string) => {
      socket.write(head);
      ready(socket);
    };
    const send = () => this.exchange(req, start, false);
    const run = this.track(this.inFlight.then(send, send));
    return new ChunkedUpload(opened, run);
  }

  /**
   * One write (one syscall) per request where the body is text, as a result's JSON is: a second
   * write for the body cost ~8 µs of CPU per invoke on loopback, which is most of what a warm
   * invoke costs the runtime. A Buffer body goes out in the same syscall too (writev, corked).
   */
  private send(req: ApiRequest): Promise<ApiResponse> {
    return this.exchange(
      req,
      (socket, head) => {
        const body = req.body;
        if (body === undefined || body.length === 0) socket.write(head);
        else if (typeof body === 'string') socket.write(head + body);
        else {
          socket.cork();
          socket.write(head);
          socket.write(body);
          socket.uncork();
        }
      },
      true,
    );
  }

  /** Lets `write` send the head and what follows, and resolves with the answer. */
  private exchange(req: ApiRequest, write: (socket: Socket, head: string) => void, ref: boolean): Promise<ApiResponse> {
    const socket = this.open();
    if (ref) socket.ref();
    else socket.unref();
    return new Promise<ApiResponse>((resolve, reject) => {
      const parser = new ResponseParser();
      const fail = (message: string) => {
        this.current = undefined;
        socket.destroy();
        reject(new RuntimeApiError(req.method, req.path, undefined, message));
      };
      const finish = (res: ApiResponse) => {
        this.current = undefined;
        if (res.headers['connection']?.toLowerCase() === 'close') {
          socket.destroy();
          if (this.socket === socket) this.socket = undefined;
        } else {
          socket.unref();
        }
        resolve(res);
      };
      this.current = {
        socket,
        data(chunk) {
          let res: ApiResponse | undefined;
          try {
            res = parser.push(chunk);
          } catch (err) {
            fail(`malformed response: ${(err as Error).message}`);
            return;
          }
          if (res) finish(res);
        },
        end() {
          const res = parser.end();
          if (res) finish(res);
          else fail('connection closed before a complete response');
        },
        fail,
      };
      write(socket, this.head(req));
    });
  }

  private head(req: ApiRequest): string {
    const constant = req.body === undefined && Object.keys(req.headers).length === 0;
    const key = `${req.method} ${req.path}`;
    const known = constant ? this.heads.get(key) : undefined;
    if (known) return known;
    let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nUser-Agent: ${this.userAgent}\r\n`;
    for (const name in req.headers) head += `${name}: ${req.headers[name]}\r\n`;
    if (req.method === 'POST' && !('Transfer-Encoding' in req.headers)) {
      const length = req.body === undefined ? 0 : typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.length;
      head += `Content-Length: ${length}\r\n`;
    }
    head += '\r\n';
    if (constant) this.heads.set(key, head);
    return head;
  }
}

/** The body of an upload: chunks written as the socket takes them (backpressure), then trailers. */
export class ChunkedUpload {
  private ended = false;

  constructor(
    private readonly opened: Promise<Socket>,
    /** The Runtime API's answer (rejects if the connection fails first). */
    readonly answer: Promise<ApiResponse>,
  ) {
    answer.catch(() => undefined); // observed through end()
  }

  /** One chunk; `done` runs once the socket has taken it (after 'drain' when it was full). */
  write(chunk: Uint8Array, done: (err?: Error | null) => void): void {
    if (chunk.length === 0) {
      done(); // an empty chunk would end the body
      return;
    }
    this.opened.then((socket) => {
      if (socket.destroyed) {
        done(new Error('the Runtime API connection closed during the response stream'));
        return;
      }
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      const roomLeft = socket.write('\r\n');
      socket.uncork();
      if (roomLeft) {
        done();
        return;
      }
      const onDrain = () => {
        socket.off('close', onClose);
        done();
      };
      const onClose = () => {
        socket.off('drain', onDrain);
        done(new Error('the Runtime API connection closed during the response stream'));
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    }, done);
  }

  /** The last chunk and the trailers (once); resolves with the answer. */
  end(trailers: Readonly<Record<string, string>> = {}): Promise<ApiResponse> {
    if (!this.ended) {
      this.ended = true;
      void this.opened.then((socket) => {
        let tail = '0\r\n';
        for (const name in trailers) tail += `${name}: ${trailers[name]}\r\n`;
        socket.ref();
        socket.write(tail + '\r\n');
      });
    }
    return this.answer;
  }
}

/** Incremental parser for one HTTP/1.1 response: Content-Length, chunked, or read-until-close bodies. */
export class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  private headers: Record<string, string> | undefined;
  private bodyChunks: Buffer[] = [];
  private bodyLength = 0;
  private remaining = -1; // bytes left for Content-Length bodies; -1 until known
  private chunked = false;
  private untilClose = false;
  private chunkLeft = -1; // chunked: bytes left in the current chunk; -1 when a size line is next

  push(chunk: Buffer): ApiResponse | undefined {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (!this.headers) {
      const end = this.buf.indexOf(CRLF2);
      if (end < 0) {
        if (this.buf.length > 1 << 20) throw new Error('response head too large');
        return undefined;
      }
      // UTF-8, as the official native client hands header values to JavaScript: a client context
      // or identity with non-ASCII characters must not arrive garbled.
      this.parseHead(this.buf.subarray(0, end).toString('utf8'));
      this.buf = this.buf.subarray(end + 4);
    }
    return this.chunked ? this.readChunked() : this.readPlain();
  }

  end(): ApiResponse | undefined {
    if (this.headers && this.untilClose) {
      this.bodyChunks.push(this.buf);
      return this.done();
    }
    return undefined;
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!m) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
    this.status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.headers = headers;
    if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) this.chunked = true;
    else if (headers['content-length'] !== undefined) this.remaining = Number(headers['content-length']);
    else if (this.status === 204 || this.status === 304) this.remaining = 0;
    else this.untilClose = true;
  }

  private readPlain(): ApiResponse | undefined {
    if (this.untilClose) {
      this.bodyChunks.push(this.buf);
      this.bodyLength += this.buf.length;
      this.buf = Buffer.alloc(0);
      return undefined;
    }
    const take = Math.min(this.remaining, this.buf.length);
    if (take > 0) {
      this.bodyChunks.push(this.buf.subarray(0, take));
      this.remaining -= take;
    }
    this.buf = this.buf.subarray(take);
    return this.remaining === 0 ? this.done() : undefined;
  }

  private readChunked(): ApiResponse | undefined {
    for (;;) {
      if (this.chunkLeft < 0) {
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return undefined;
        const size = parseInt(this.buf.subarray(0, eol).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size');
        if (size === 0) {
          // Last chunk: then optional trailers, then an empty line.
          const rest = this.buf.subarray(eol + 2);
          if (rest.length >= 2 && rest[0] === 13 && rest[1] === 10) return this.done();
          if (rest.indexOf(CRLF2) >= 0) return this.done();
          return undefined;
        }
        this.buf = this.buf.subarray(eol + 2);
        this.chunkLeft = size;
      }
      if (this.buf.length < this.chunkLeft + 2) {
        if (this.buf.length > 0 && this.buf.length <= this.chunkLeft) {
          this.bodyChunks.push(this.buf);
          this.chunkLeft -= this.buf.length;
          this.buf = Buffer.alloc(0);
        }
        return undefined;
      }
      this.bodyChunks.push(this.buf.subarray(0, this.chunkLeft));
      this.buf = this.buf.subarray(this.chunkLeft + 2);
      this.chunkLeft = -1;
    }
  }

  private done(): ApiResponse {
    const body = this.bodyChunks.length === 1 ? (this.bodyChunks[0] as Buffer) : Buffer.concat(this.bodyChunks);
    return { status: this.status, headers: this.headers as Record<string, string>, body };
  }
}
