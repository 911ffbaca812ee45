// awslambda.streamifyResponse and awslambda.HttpResponseStream, as the official runtime defines
// them. streamifyResponse marks a handler with the symbols the official runtime reads.
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
export const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
export const STREAM_RESPONSE = 'response';

const METADATA_PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LEN = 8;

export function streamifyResponse<T extends (...args: any[]) => unknown>(handler: T, options?: { highWaterMark?: number }): T {
  const h = handler as unknown as Record<symbol, unknown>;
  h[HANDLER_STREAMING] = STREAM_RESPONSE;
  if (typeof options?.highWaterMark === 'number') h[HANDLER_HIGHWATERMARK] = parseInt(String(options.highWaterMark));
  return handler;
}

interface PreludeStream {
  setContentType(type: string): void;
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;
}

export class HttpResponseStream {
  /** On the first write: the HTTP integration content type, the JSON prelude, then 8 NUL bytes. */
  static from<S extends PreludeStream>(stream: S, prelude: unknown): S {
    stream.setContentType(METADATA_PRELUDE_CONTENT_TYPE);
    const metadata = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(new Uint8Array(DELIMITER_LEN));
    };
    return stream;
  }
}
