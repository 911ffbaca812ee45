// A promise-style invocation (4.x semantics, Node 24+): await handler(event, context), then post.
import { failure, response, serialize, type Outcome } from './outcome.ts';
import { nextTurn, neverSettled, onEmptyLoop } from './empty-loop.ts';
import type { UserHandler } from '../handler/resolve.ts';
import type { LambdaContext } from '../types.ts';

export async function invokeBuffered(handler: UserHandler, event: unknown, context: LambdaContext): Promise<Outcome> {
  let stopWatching = () => {};
  try {
    const returned = handler(event, context);
    const result = await new Promise<unknown>((resolve, reject) => {
      stopWatching = onEmptyLoop(() => reject(neverSettled()));
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
