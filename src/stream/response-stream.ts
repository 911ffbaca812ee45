// The response stream a streaming handler writes to: a Writable whose chunks go, with
// backpressure, into the chunked body of the invocation's /response POST. Its head (with the
// content type, settable until the first write) is sent at the first write or at end. A failure
// ends the body with the error trailers. The handler gets `surface()`, the same curated set of
// methods and properties aws-lambda-ric hands out (toWritableResponseStream / writableStreamOnly).
import { Writable, getDefaultHighWaterMark } from 'node:stream';
import { RuntimeError } from '../errors/runtime-errors.ts';
import { formatError, type Flavour } from '../errors/format.ts';
import { streamErrorTrailers } from '../api/requests.ts';
import type { PostOutcome } from '../api/client.ts';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Where the body goes: the chunked POST, opened with the content type known at the first write. */
export interface ResponseSink {
  write(chunk: Uint8Array, done: (err?: Error | null) => void): void;
  /** The last chunk and the trailers; resolves with the Runtime API's answer. */
  end(trailers?: Readonly<Record<string, string>>): Promise<PostOutcome>;
}
export type OpenSink = (contentType: string) => ResponseSink;

type Chunk = string | Uint8Array;
type WriteCallback = (error?: Error | null) => void;

// The methods handed out, in each official line's order (observable through Object.keys).
const METHODS: Record<Flavour, readonly (keyof ResponseStream & string)[]> = {
  4: [
    'cork', 'destroy', 'end', 'uncork', 'write',
    'addListener', 'on', 'once', 'prependListener', 'prependOnceListener', 'off', 'removeListener', 'removeAllListeners',
    'setMaxListeners', 'getMaxListeners', 'listeners', 'rawListeners', 'listenerCount', 'eventNames', 'emit',
    'setContentType',
  ],
  3: [
    'cork', 'destroy', 'end', 'uncork', 'write',
    'addListener', 'emit', 'eventNames', 'getMaxListeners', 'listenerCount', 'listeners', 'off', 'on', 'once',
    'prependListener', 'prependOnceListener', 'rawListeners', 'removeAllListeners', 'removeListener', 'setMaxListeners',
    'setContentType',
  ],
};
// [read-write, read-only], per official line: 3.x lets `writable` be set and exposes writableBuffer.
const PROPS: Record<Flavour, readonly [readonly string[], readonly string[]]> = {
  4: [
    ['destroyed', '_onBeforeFirstWrite'],
    ['writableFinished', 'writableObjectMode', 'writableEnded', 'writableNeedDrain', 'writableHighWaterMark', 'writableCorked', 'writableLength', 'writable'],
  ],
  3: [
    ['destroyed', 'writable', '_onBeforeFirstWrite'],
    ['writableFinished', 'writableObjectMode', 'writableBuffer', 'writableEnded', 'writableNeedDrain', 'writableHighWaterMark', 'writableCorked', 'writableLength'],
  ],
};

export class ResponseStream extends Writable {
  /** Set by HttpResponseStream.from: writes the prelude before the first chunk. */
  _onBeforeFirstWrite: ((write: (chunk: Chunk) => void) => void) | undefined;
  private contentType = DEFAULT_CONTENT_TYPE;
  private writeCalled = false;
  private sink: ResponseSink | undefined;
  private answer: Promise<PostOutcome> | undefined;
  private trailers: Record<string, string> | undefined;
  /** The error the stream was destroyed with, if any. */
  destroyError: Error | null = null;

  constructor(
    private readonly openSink: OpenSink,
    private readonly flavour: Flavour,
    highWaterMark: number | undefined,
  ) {
    super({ highWaterMark: highWaterMark ?? getDefaultHighWaterMark(false) });
    // Reported through the invocation's outcome, never as an uncaught exception.
    this.on('error', () => {});
  }

  setContentType(contentType: string): void {
    if (this.writeCalled) throw new RuntimeError('Runtime.InvalidStreamingOperation', 'Cannot set content-type, too late.', this.flavour === 4);
    this.contentType = contentType;
  }

  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean {
    // As the official runtime: anything that is not bytes or a string is written as JSON.
    const bytes = this.flavour === 4 ? chunk instanceof Uint8Array : Buffer.isBuffer(chunk) || (chunk as object | null)?.constructor === Uint8Array;
    const data = typeof chunk === 'string' || bytes ? chunk : JSON.stringify(chunk);
    if (!this.writeCalled && typeof this._onBeforeFirstWrite === 'function') this._onBeforeFirstWrite((c) => super.write(c));
    const ret = super.write(data, encoding as BufferEncoding, cb);
    this.writeCalled = true;
    return ret;
  }

  /** What the handler gets: only the official runtime's members, bound to this stream. */
  surface(): Writable & { setContentType(contentType: string): void } {
    const s: Record<string, unknown> = {};
    for (const m of METHODS[this.flavour]) s[m] = (this[m] as (...a: unknown[]) => unknown).bind(this);
    const self = this as unknown as Record<string, unknown>;
    const [readWrite, readOnly] = PROPS[this.flavour];
    for (const p of readWrite) Object.defineProperty(s, p, { get: () => self[p], set: (v) => (self[p] = v) });
    for (const p of readOnly) Object.defineProperty(s, p, { get: () => self[p] });
    return s as unknown as Writable & { setContentType(contentType: string): void };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: WriteCallback): void {
    this.open().write(chunk, done);
  }

  override _final(done: WriteCallback): void {
    this.finishBody();
    done();
  }

  override _destroy(error: Error | null, done: WriteCallback): void {
    this.destroyError = error;
    done(error);
  }

  /**
   * Ends the body with the error trailers (type, then the error as base64 JSON) unless it has
   * ended already; resolves with the Runtime API's answer.
   */
  fail(error: unknown): Promise<PostOutcome> {
    this.trailers = streamErrorTrailers(formatError(error, this.flavour));
    if (this.destroyed) this.finishBody();
    else if (!this.writableEnded) this.end();
    return this.answered();
  }

  /** The Runtime API's answer to the POST, once the body has ended. */
  answered(): Promise<PostOutcome> {
    if (this.answer) return this.answer;
    return new Promise((resolve, reject) => {
      this.once('finish', () => this.answered().then(resolve, reject));
      this.once('close', () => (this.answer ? this.answer.then(resolve, reject) : reject(new Error('Response stream closed before its end'))));
    });
  }

  private finishBody(): void {
    this.answer ??= this.open().end(this.trailers);
  }

  private open(): ResponseSink {
    return (this.sink ??= this.openSink(this.contentType));
  }
}
