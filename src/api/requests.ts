// Each Runtime API request as a plain value: built and tested without a socket.
import { ERROR_TYPE, XRAY_ERROR_CAUSE } from './headers.ts';
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
