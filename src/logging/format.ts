// Log record shapes, as the official runtime writes them.
//  text: <ISO time> TAB <request id> TAB <LEVEL> TAB <util.format(message, ...params)>
//  JSON: {"timestamp","level","requestId"[,"tenantId"],"message"[,"errorType","errorMessage","stackTrace"]}
import { format } from 'node:util';
import type { Flavour } from '../errors/format.ts';

export interface Level {
  readonly name: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
  readonly priority: number;
  /** Bits OR-ed into a telemetry frame type. */
  readonly tlvMask: number;
}

export const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1, tlvMask: 4 },
  DEBUG: { name: 'DEBUG', priority: 2, tlvMask: 8 },
  INFO: { name: 'INFO', priority: 3, tlvMask: 12 },
  WARN: { name: 'WARN', priority: 4, tlvMask: 16 },
  ERROR: { name: 'ERROR', priority: 5, tlvMask: 20 },
  FATAL: { name: 'FATAL', priority: 6, tlvMask: 24 },
} as const satisfies Record<string, Level>;

export function formatText(time: string, requestId: string | undefined, level: Level, message: unknown, params: unknown[]): string {
  return `${time}\t${requestId}\t${level.name}\t${format(message, ...params)}`;
}

const errorReplacer = (_key: string, value: unknown) => {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value?.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
};

export function formatJson(
  flavour: Flavour,
  time: string,
  requestId: string | undefined,
  tenantId: string | undefined,
  level: Level,
  message: unknown,
  params: unknown[],
): string {
  const result: Record<string, unknown> = { timestamp: time, level: level.name, requestId };
  if (flavour === 4 ? tenantId : tenantId != null) result.tenantId = tenantId;
  if (params.length === 0) {
    result.message = message;
    try {
      return JSON.stringify(result, errorReplacer);
    } catch {
      result.message = format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = format(message, ...params);
  // The first Error among the arguments gives errorType and friends: 4.x looks among the params
  // only, 3.x at the message too.
  for (const param of flavour === 4 ? params : [message, ...params]) {
    if (param instanceof Error) {
      result.errorType = param?.constructor?.name ?? 'UnknownError';
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}
