// A callback-capable invocation: the semantics of the managed nodejs22.x runtime (aws-lambda-ric
// 3.x), used on Node 22. `callback(err, result)` posts at once on error; on success it waits
// for the event loop to empty unless context.callbackWaitsForEmptyEventLoop is false. A handler
// that returns a promise settles through succeed/fail; one that returns nothing and never calls
// back gets a null response when its event loop empties.
import { failure, response, serialize, type Outcome } from './outcome.ts';
import { onEmptyLoop } from './empty-loop.ts';
import { buildCallbackContext } from './context.ts';
import type { UserHandler } from '../handler/resolve.ts';
import type { ParsedInvocation } from './invocation.ts';
import type { RuntimeConfig } from '../config.ts';

const isPromise = (v: any): v is PromiseLike<unknown> => !!v && !!v.then && typeof v.then === 'function';

export function invokeWithCallback(handler: UserHandler, inv: ParsedInvocation, config: RuntimeConfig): Promise<Outcome> {
  return new Promise<Outcome>((settleOutcome) => {
    let settled = false;
    let waitForEmptyLoop = true;
    let completeInvoked = false;
    // What happens when the event loop empties; the default posts a null response.
    let onEmpty: (() => void) | undefined = () => {
      completeInvoked = true;
      settle(response('null'));
    };
    const stop = onEmptyLoop(() => onEmpty?.());
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      stop();
      settleOutcome(outcome);
    };

    const postError = (err: unknown) => settle(failure(err));
    const complete = (result: unknown) => {
      if (completeInvoked) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      completeInvoked = true;
      settle(response(serialize(result, 3)));
    };
    const callback = (err?: unknown, result?: unknown) => {
      onEmpty = undefined;
      if (err !== undefined && err !== null) postError(err);
      else if (!waitForEmptyLoop) complete(result);
      else onEmpty = () => setImmediate(() => complete(result));
    };
    const done = (err?: unknown, result?: unknown) => {
      onEmpty = undefined;
      if (err !== undefined && err !== null) postError(err);
      else complete(result);
    };
    const succeed = (result?: unknown) => done(null, result);
    const fail = (err?: unknown) => (err === undefined || err === null ? done('handled') : done(err, null));

    // Only the first of callback/succeed/fail/done counts; a call that throws does not count.
    let finished = false;
    const once =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (!finished) {
          fn(...args);
          finished = true;
        }
      };
    const context = buildCallbackContext(inv, config, {
      getWait: () => waitForEmptyLoop,
      setWait: (v) => {
        waitForEmptyLoop = v;
      },
      succeed: once(succeed),
      fail: once(fail),
      done: once(done),
    });
    const cb = once(callback);
    const ctx = context as unknown as { succeed: (r?: unknown) => void; fail: (e?: unknown) => void };
    try {
      const result = handler(inv.event, context, cb);
      if (isPromise(result)) result.then(ctx.succeed, ctx.fail).then(undefined, ctx.fail);
    } catch (err) {
      cb(err);
    }
  });
}
