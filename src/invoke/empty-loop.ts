// Node's 'beforeExit' fires when the event loop has nothing left to do. The runtime's connection
// is unref'd while a handler runs, so this means: the user's code left nothing pending.
// One process listener serves every waiter: under Managed Instances many invocations wait at
// once, and a listener each would trip Node's MaxListenersExceededWarning past ten.
import { RuntimeError } from '../errors/runtime-errors.ts';

const waiting = new Set<() => void>();
const fire = () => {
  for (const fn of [...waiting]) fn();
};

export function onEmptyLoop(fn: () => void): () => void {
  if (waiting.size === 0) process.on('beforeExit', fire);
  waiting.add(fn);
  return () => {
    if (waiting.delete(fn) && waiting.size === 0) process.off('beforeExit', fire);
  };
}

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What a handler's promise becomes when the event loop empties before it settles. */
export function neverSettled(): RuntimeError {
  return new RuntimeError(
    'Runtime.HandlerPromiseNeverSettled',
    "The handler's promise never settled, and nothing was left on the event loop that could settle it " +
      '(a Promise that is never resolved, or a callback-style API whose callback is never called).',
    true,
  );
}
