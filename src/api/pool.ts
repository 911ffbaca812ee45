// Connections for Managed Instances, where one thread has a /next parked while any number of its
// invocations post results or stream responses. Each request takes an idle keep-alive connection
// (or opens one) and gives it back once answered; a failed connection is dropped, never reused.
// Single-concurrency mode uses one Http1Connection directly: it never needs two at once.
import { Http1Connection, type ApiResponse, type ChunkedUpload } from './http1.ts';
import type { ApiRequest } from './requests.ts';

/** What the client needs of its connection(s). */
export interface ApiConnection {
  warm(): void;
  close(): void;
  unref(): void;
  request(req: ApiRequest): Promise<ApiResponse>;
  /** A request that does not keep the process alive while it waits. */
  park(req: ApiRequest): Promise<ApiResponse>;
  upload(req: ApiRequest): ChunkedUpload;
}

/** Idle connections kept for reuse; more are opened while more requests are in flight. */
const MAX_IDLE = 4;

export class ConnectionPool implements ApiConnection {
  private readonly idle: Http1Connection[] = [];
  private readonly busy = new Set<Http1Connection>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly userAgent: string,
  ) {}

  warm(): void {
    const conn = this.take();
    conn.warm();
    this.give(conn, true);
  }

  unref(): void {
    for (const conn of [...this.idle, ...this.busy]) conn.unref();
  }

  close(): void {
    for (const conn of [...this.idle, ...this.busy]) conn.close();
    this.idle.length = 0;
    this.busy.clear();
  }

  request(req: ApiRequest): Promise<ApiResponse> {
    return this.through((conn) => conn.request(req));
  }

  park(req: ApiRequest): Promise<ApiResponse> {
    return this.through((conn) => conn.park(req));
  }

  private through(send: (conn: Http1Connection) => Promise<ApiResponse>): Promise<ApiResponse> {
    const conn = this.take();
    return send(conn).then(
      (res) => {
        this.give(conn, res.headers['connection']?.toLowerCase() !== 'close');
        return res;
      },
      (err: unknown) => {
        this.give(conn, false);
        throw err;
      },
    );
  }

  upload(req: ApiRequest): ChunkedUpload {
    const conn = this.take();
    const upload = conn.upload(req);
    upload.answer.then(
      (res) => this.give(conn, res.headers['connection']?.toLowerCase() !== 'close'),
      () => this.give(conn, false),
    );
    return upload;
  }

  private take(): Http1Connection {
    const conn = this.idle.pop() ?? new Http1Connection(this.host, this.port, this.userAgent);
    this.busy.add(conn);
    return conn;
  }

  private give(conn: Http1Connection, reusable: boolean): void {
    this.busy.delete(conn);
    if (reusable && this.idle.length < MAX_IDLE) this.idle.push(conn);
    else conn.close();
  }
}
