// Error shapes as the official runtime produces them. None of these functions throws.
import { types } from 'node:util';

export interface ErrorResponse {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type Flavour = 3 | 4;

const DEL = /\x7F/g;
const escapeDel = (s: string) => s.replace(DEL, '%7F');

/** 3.x treats anything with string name, message and stack as an Error. */
function looksLikeError(e: any): boolean {
  return !!e && !!e.name && !!e.message && !!e.stack && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
}

/** The `{errorType, errorMessage, trace}` body posted to /error and /init/error. */
export function formatError(error: unknown, flavour: Flavour): ErrorResponse {
  try {
    if (flavour === 4) {
      if (error instanceof Error) {
        return {
          errorType: (error.name as string | undefined)?.replaceAll('\x7F', '%7F') as string,
          errorMessage: (error.message as string | undefined)?.replaceAll('\x7F', '%7F') as string,
          trace: (error.stack as string | undefined)?.replaceAll('\x7F', '%7F').split('\n') || [],
        };
      }
      return { errorType: typeof error, errorMessage: String(error), trace: [] };
    }
    if (types.isNativeError(error) || looksLikeError(error)) {
      const e = error as Error;
      return {
        errorType: (e.name as string | undefined)?.replace(DEL, '%7F') as string,
        errorMessage: (e.message as string | undefined)?.replace(DEL, '%7F') as string,
        trace: (e.stack as string).replace(DEL, '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: (error as any).toString(), trace: [] };
  } catch {
    const handled: ErrorResponse = {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
    if (flavour === 4) handled.trace = [];
    return handled;
  }
}

/** What a thrown value becomes when it has to be logged as an Error. */
export function intoError(err: unknown, flavour: Flavour): Error {
  if (err instanceof Error) return err;
  return flavour === 4 ? new Error(String(err)) : new Error(err as any);
}

function withEnumerableProperties(value: unknown): unknown {
  if (value instanceof Error) {
    const ret: Record<string, unknown> = Object.assign<Record<string, unknown>, Error>(
      { errorType: value.name, errorMessage: value.message, code: (value as any).code },
      value,
    );
    if (typeof value.stack === 'string') ret.stack = value.stack.split('\n');
    return ret;
  }
  return value;
}

/** The text-format error record: a tab, then the error as JSON with its own fields and stack lines. */
export function toFormatted(error: unknown, flavour: Flavour): string {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch {
    return '\t' + JSON.stringify(formatError(error, flavour));
  }
}

/** The X-Ray cause document sent with /error (Lambda-Runtime-Function-XRay-Error-Cause). */
export function formatXRayCause(error: unknown): string {
  try {
    const err = error as Error;
    const stack = parseStack(err.stack);
    return JSON.stringify({
      working_directory: process.cwd(),
      exceptions: [{ type: err.name?.replace(DEL, '%7F'), message: err.message?.replace(DEL, '%7F'), stack }],
      paths: [...new Set(stack.map((s) => s.path))],
    });
  } catch {
    return '';
  }
}

function parseStack(stack: string | undefined): { path: string; line: number; label: string }[] {
  if (!stack) return [];
  const lines = escapeDel(stack).split('\n');
  lines.shift();
  return lines.map((line) => {
    const trimmed = line.trim().replace(/[()]/g, '').replace(/^[^\s]*\s/, '');
    const space = trimmed.lastIndexOf(' ');
    const label = space >= 0 ? trimmed.slice(0, space) : 'anonymous';
    const parts = (space >= 0 ? trimmed.slice(space + 1) : trimmed).split(':');
    return { path: parts[0] as string, line: parseInt(parts[1] as string), label };
  });
}
