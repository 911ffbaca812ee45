// A fault-injecting TCP proxy on loopback, put between a runtime and a Runtime API (the real RIE,
// or the fake). It reads each HTTP/1.1 request whole (head, then Content-Length or chunked body),
// records it, and asks `plan` what to do with it: forward it, answer it itself, reset the
// connection before or after forwarding (a parked /next cut), forward only part of its body and
// reset (a post cut mid-body), or hold it a while (a slow API). Answers flow back untouched.
// Also: a port that refuses connections until `listen()` (refused at start), and `blackhole()`, an
// address whose connects never complete (SYNs dropped: a full accept queue).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** Order of arrival over all connections, from 0. */
  readonly index: number;
  /** Which client connection, from 0. */
  readonly connection: number;
  /** Epoch ms when the whole request had arrived. */
  readonly at: number;
  /** The bytes as the client sent them. */
  readonly raw: Buffer;
}

export type ProxyFault =
  /** Answer with this status, not forwarded. */
  | { kind: 'answer'; status: number; body?: string }
  /** Reset the client's connection; nothing forwarded. */
  | { kind: 'reset' }
  /** Forward it, then reset both sides after `ms` (an answer not yet given is lost). */
  | { kind: 'reset-after'; ms: number }
  /** Forward the head and the first `bytes` bytes of the body, then reset both sides. */
  | { kind: 'cut-body'; bytes: number }
  /** Forward it after `ms`. */
  | { kind: 'delay'; ms: number };

export type ProxyPlan = (req: ProxiedRequest) => ProxyFault | undefined;

const CRLF2 = Buffer.from('\r\n\r\n');
const ZERO_CHUNK = Buffer.from('\r\n0\r\n');

/** Where the request that starts `buf` ends, or -1 if it has not all arrived. Sets head fields. */
function requestEnd(buf: Buffer): { end: number; headEnd: number; method: string; path: string } | undefined {
  const headEnd = buf.indexOf(CRLF2);
  if (headEnd < 0) return undefined;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const [line = '', ...fields] = head.split('\r\n');
  const [method = '', path = ''] = line.split(' ');
  const header = (name: string) => fields.find((f) => f.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const bodyStart = headEnd + 4;
  if (header('transfer-encoding')?.toLowerCase().includes('chunked')) {
    // The last chunk, then trailers, then an empty line.
    const last = buf.indexOf(ZERO_CHUNK, bodyStart - 2);
    if (last < 0) return { end: -1, headEnd: bodyStart, method, path };
    const close = buf.indexOf(CRLF2, last + 2);
    return { end: close < 0 ? -1 : close + 4, headEnd: bodyStart, method, path };
  }
  const length = Number(header('content-length') ?? 0);
  return { end: buf.length >= bodyStart + length ? bodyStart + length : -1, headEnd: bodyStart, method, path };
}

export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  plan: ProxyPlan | undefined;
  connections = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** A proxy to `target` ("host:port"); with `listening: false` its port refuses until listen(). */
  static async start(target: string, { listening = true } = {}): Promise<FaultProxy> {
    const [host = '127.0.0.1', port] = target.split(':');
    // A free port: taken, then let go (a refused connect until listen()).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = new FaultProxy(free, { host, port: Number(port) });
    if (listening) await proxy.listen();
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  listen(): Promise<void> {
    this.server = createServer((client) => this.serve(client));
    return new Promise((resolve, reject) => this.server!.once('error', reject).listen(this.port, '127.0.0.1', resolve));
  }

  /** Requests seen so far with this method and path. */
  seen(method: string, path: string): ProxiedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  /** Resets every connection open now (a parked /next among them); later ones are served. */
  resetAll(): void {
    for (const s of this.sockets) s.resetAndDestroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private serve(client: Socket): void {
    const connection = this.connections++;
    const upstream = connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => this.sockets.delete(s));
    }
    const resetBoth = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    upstream.on('data', (d) => client.write(d));
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    let buf = Buffer.alloc(0);
    // One request at a time: the next waits until this one is dealt with (a held one too).
    let busy = Promise.resolve();
    client.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const r = requestEnd(buf);
        if (!r || r.end < 0) return;
        const raw = buf.subarray(0, r.end);
        buf = buf.subarray(r.end);
        const req: ProxiedRequest = { method: r.method, path: r.path, index: this.requests.length, connection, at: Date.now(), raw };
        this.requests.push(req);
        const fault = this.plan?.(req);
        busy = busy.then(() => this.apply(fault, req, r.headEnd, client, upstream, resetBoth));
      }
    });
  }

  private async apply(fault: ProxyFault | undefined, req: ProxiedRequest, bodyStart: number, client: Socket, upstream: Socket, resetBoth: () => void): Promise<void> {
    if (client.destroyed) return;
    switch (fault?.kind) {
      case undefined:
        upstream.write(req.raw);
        return;
      case 'answer': {
        const body = fault.body ?? '';
        client.write(`HTTP/1.1 ${fault.status} Fault\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        return;
      }
      case 'reset':
        resetBoth();
        return;
      case 'reset-after':
        upstream.write(req.raw);
        setTimeout(resetBoth, fault.ms);
        return;
      case 'cut-body':
        upstream.write(req.raw.subarray(0, bodyStart + fault.bytes), () => setTimeout(resetBoth, 20));
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        if (!client.destroyed) upstream.write(req.raw);
        return;
    }
  }
}

/**
 * An address whose connects never complete: a listener with a backlog of 0 whose queue is kept
 * full, so the kernel drops further SYNs (as a blackholed route would). Python's socket API can
 * listen without accepting; Node's cannot.
 */
export async function blackhole(): Promise<{ address: string; close(): void }> {
  const script = [
    'import socket, time',
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0); port = s.getsockname()[1]",
    'fill = []',
    'for _ in range(3):',
    '    c = socket.socket(); c.setblocking(False)',
    '    try: c.connect((\'127.0.0.1\', port))',
    '    except BlockingIOError: pass',
    '    fill.append(c)',
    'print(port, flush=True)',
    'time.sleep(600)',
  ].join('\n');
  const proc: ChildProcess = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    proc.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    proc.once('exit', (code) => reject(new Error(`blackhole helper exited (${code})`)));
  });
  return { address: `127.0.0.1:${port}`, close: () => proc.kill('SIGKILL') };
}
