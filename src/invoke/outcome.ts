// What an invocation produced, before it is posted.
import { RuntimeError } from '../errors/runtime-errors.ts';
import type { Flavour } from '../errors/format.ts';

export type Outcome =
  | { readonly kind: 'response'; readonly body: string }
  | { readonly kind: 'error'; readonly error: unknown }
  /** A streaming handler finished its response stream (the body went out as it wrote it). */
  | { readonly kind: 'streamed' };

export const response = (body: string): Outcome => ({ kind: 'response', body });
export const streamed: Outcome = { kind: 'streamed' };
export const failure = (error: unknown): Outcome => ({ kind: 'error', error });

/** JSON.stringify as the official runtime does it (undefined becomes null), with its error. */
export function serialize(result: unknown, flavour: Flavour): string {
  try {
    return JSON.stringify(result === undefined ? null : result);
  } catch {
    if (flavour === 4) throw new RuntimeError('Runtime.JSONStringifyError', 'Unable to stringify response body', true);
    throw new Error('Unable to stringify response body');
  }
}
