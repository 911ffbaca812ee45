// What one /next answer means: the event and everything the context is built from. Parsing never
// throws: a malformed optional header becomes a warning, a malformed event an error outcome.
import * as H from '../api/headers.ts';
import type { Invocation } from '../api/client.ts';

export interface ParsedInvocation {
  readonly requestId: string;
  /** Epoch ms; undefined when the header is missing or not a number. */
  readonly deadlineMs: number | undefined;
  readonly functionArn: string | undefined;
  /** '' when the header is absent, as the official native client reports it. */
  readonly traceId: string;
  readonly clientContext: unknown;
  readonly identity: unknown;
  readonly tenantId: string | undefined;
  readonly event: unknown;
  readonly eventError: Error | undefined;
  readonly warnings: readonly string[];
}

function parseJsonHeader(value: string | undefined, header: string, warnings: string[]): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    warnings.push(`Ignoring the ${header} header: it is not valid JSON (${(err as Error).message}); the context field is undefined for this invocation.`);
    return undefined;
  }
}

export function parseInvocation(inv: Invocation): ParsedInvocation {
  const h = inv.headers;
  const warnings: string[] = [];
  let deadlineMs: number | undefined = parseInt(h[H.DEADLINE_MS] ?? '', 10);
  if (Number.isNaN(deadlineMs)) {
    warnings.push(
      `The ${H.DEADLINE_MS} header is ${h[H.DEADLINE_MS] === undefined ? 'missing' : `not a number (${JSON.stringify(h[H.DEADLINE_MS])})`}: getRemainingTimeInMillis() counts down from Lambda's maximum timeout (900000 ms) for this invocation.`,
    );
    deadlineMs = undefined;
  }
  let event: unknown;
  let eventError: Error | undefined;
  try {
    event = JSON.parse(inv.body.toString('utf8'));
  } catch (err) {
    eventError = err as Error;
  }
  return {
    requestId: inv.requestId,
    deadlineMs,
    functionArn: h[H.FUNCTION_ARN],
    traceId: h[H.TRACE_ID] ?? '',
    clientContext: parseJsonHeader(h[H.CLIENT_CONTEXT], 'Lambda-Runtime-Client-Context', warnings),
    identity: parseJsonHeader(h[H.COGNITO_IDENTITY], 'Lambda-Runtime-Cognito-Identity', warnings),
    tenantId: h[H.TENANT_ID] || undefined,
    event,
    eventError,
    warnings,
  };
}
