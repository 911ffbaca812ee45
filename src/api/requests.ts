// Each Runtime API request as a plain value: built and tested without a socket.
import { ERROR_BODY, ERROR_TYPE, EXTENSION_ID, EXTENSION_NAME, RESPONSE_MODE, TRAILER, TRANSFER_ENCODING, XRAY_ERROR_CAUSE } from './headers.ts';
import type { ErrorResponse } from '../errors/format.ts';

export const API_VERSION = '2018-06-01';

export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

const JSON_TYPE = 'application/json';

/** A header value must not carry CR or LF (it would end the header); other bytes go as UTF-8. */
export function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

export function nextInvocation(): ApiRequest {
  return { method: 'GET', path: `/${API_VERSION}/runtime/invocation/next`, headers: {} };
}

export function postResponse(requestId: string, body: string | Buffer): ApiRequest {
  return {
    method: 'POST',
    path: `/${API_VERSION}/runtime/invocation/${encodeURIComponent(requestId)}/response`,
    headers: { 'Content-Type': JSON_TYPE },
    body,
  };
}

/**
 * The head of a streamed response: its body follows in chunks, and a failure mid-stream is
 * reported in the trailers it announces (as aws-lambda-ric's createResponseStream posts it).
 */
export function postStreamingResponse(requestId: string, contentType: string): ApiRequest {
  return {
    method: 'POST',
    path: `/${API_VERSION}/runtime/invocation/${encodeURIComponent(requestId)}/response`,
    headers: {
      [RESPONSE_MODE]: 'streaming',
      [TRAILER]: `${ERROR_TYPE}, ${ERROR_BODY}`,
      'Content-Type': headerValue(contentType),
      [TRANSFER_ENCODING]: 'chunked',
    },
  };
}

/** The trailers of a response stream that failed: the error type, and the error body as base64 JSON. */
export function streamErrorTrailers(error: ErrorResponse): Record<string, string> {
  return { [ERROR_TYPE]: headerValue(String(error.errorType)), [ERROR_BODY]: Buffer.from(JSON.stringify(error)).toString('base64') };
}

export function postError(requestId: string, error: ErrorResponse, xrayCause: string): ApiRequest {
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, [ERROR_TYPE]: headerValue(String(error.errorType)) };
  if (xrayCause) headers[XRAY_ERROR_CAUSE] = headerValue(xrayCause);
  return {
    method: 'POST',
    path: `/${API_VERSION}/runtime/invocation/${encodeURIComponent(requestId)}/error`,
    headers,
    body: JSON.stringify(error),
  };
}

export function postInitError(error: ErrorResponse): ApiRequest {
  return {
    method: 'POST',
    path: `/${API_VERSION}/runtime/init/error`,
    headers: { 'Content-Type': JSON_TYPE, [ERROR_TYPE]: headerValue(String(error.errorType)) },
    body: JSON.stringify(error),
  };
}

// The Extensions API, for the one thing the runtime uses it for: an internal extension that
// subscribes to no event, registered so that Lambda sends SIGTERM before it ends the environment.
export const EXTENSION_API_VERSION = '2020-01-01';

export function registerExtension(name: string): ApiRequest {
  return {
    method: 'POST',
    path: `/${EXTENSION_API_VERSION}/extension/register`,
    headers: { [EXTENSION_NAME]: headerValue(name), 'Content-Type': JSON_TYPE },
    body: '{"events":[]}',
  };
}

/** Parked for good: with no event subscribed it never answers, but init waits for the call. */
export function nextExtensionEvent(id: string): ApiRequest {
  return { method: 'GET', path: `/${EXTENSION_API_VERSION}/extension/event/next`, headers: { [EXTENSION_ID]: headerValue(id) } };
}
