// A promise-style invocation (4.x semantics, Node 24+): await handler(event, context), then post.
import { RuntimeError } from '../errors/runtime-errors.ts';
import { failure, response, serialize, type Outcome } from './outcome.ts';
import { nextTurn, onEmptyLoop } from './empty-loop.ts';
import type { UserHandler } from '../handler/resolve.ts';
import type { LambdaContext } from '../types.ts';

const NEVER_SETTLED =
  "The handler's promise never settled, and nothing was left on the event loop that could settle it " +
  '(a Promise that is never resolved, or a callback-style API whose callback is never called).';

export async function invokeBuffered(handler: UserHandler, event: unknown, context: LambdaContext): Promise<Outcome> {
  let stopWatching = () => {};
  try {
    const returned = handler(event, context);
    const result = await new Promise<unknown>((resolve, reject) => {
      stopWatching = onEmptyLoop(() => reject(new RuntimeError('Runtime.HandlerPromiseNeverSettled', NEVER_SETTLED, true)));
      Promise.resolve(returned).then(resolve, reject);
    });
    stopWatching();
    // As the official runtime: let callbacks the handler queued with setImmediate run first.
    await nextTurn();
    return response(serialize(result, 4));
  } catch (err) {
    stopWatching();
    await nextTurn();
    return failure(err);
  }
}
