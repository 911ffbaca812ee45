// Public types: what a handler receives. Compatible with @types/aws-lambda's Context.
import type { Context } from 'aws-lambda';

export interface LambdaContext extends Omit<Context, 'callbackWaitsForEmptyEventLoop' | 'done' | 'fail' | 'succeed'> {
  /** Set when the invocation carries a tenant id (tenant isolation mode). */
  readonly tenantId?: string;
  /** The X-Ray trace header of this invocation ('' when none). Node 24+. */
  readonly xRayTraceId?: string;
  /** Node 22 only (callback handlers). */
  callbackWaitsForEmptyEventLoop?: boolean;
}

/**
 * The stream a response-streaming handler writes to: a Writable (usable with pipeline()) plus
 * setContentType, allowed until the first write. Shaped like @types/aws-lambda's
 * `awslambda.HttpResponseStream` argument and the official runtime's stream.
 */
export type ResponseStream = import('node:stream').Writable & {
  setContentType(contentType: string): void;
};

/** The metadata HttpResponseStream.from writes before the body (then 8 NUL bytes). */
export interface HttpResponseMetadata {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
  [key: string]: unknown;
}

export type StreamingHandler<TEvent = any, TContext = LambdaContext> = (event: TEvent, responseStream: ResponseStream, context: TContext) => Promise<void> | void;

/** globalThis.awslambda, as the runtime sets it up. */
export interface AwsLambdaGlobal {
  streamifyResponse<T extends StreamingHandler>(handler: T, options?: { highWaterMark?: number }): T;
  HttpResponseStream: { from<S extends ResponseStream>(stream: S, metadata: HttpResponseMetadata): S };
}
