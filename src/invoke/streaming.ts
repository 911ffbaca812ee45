// A response-streaming invocation (awslambda.streamifyResponse): handler(event, responseStream,
// context). The loop opens the stream; the body goes out as the handler writes it. The outcome is
// `streamed` once the handler has settled and the stream has finished, else an error, which
// deliverStreamed reports in the stream's trailers.
import type { Flavour } from '../errors/format.ts';
import { LEVELS } from '../logging/format.ts';
import type { Logger } from '../logging/console-patch.ts';
import type { ResponseStream } from '../stream/response-stream.ts';
import type { UserHandler } from '../handler/resolve.ts';
import type { LambdaContext } from '../types.ts';
import { failure, streamed, type Outcome } from './outcome.ts';
import { nextTurn, neverSettled, onEmptyLoop } from './empty-loop.ts';

const NOT_FINISHED = 'Response stream is not finished.';
const isPromise = (v: any): v is PromiseLike<unknown> => typeof v === 'object' && v !== null && typeof v.then === 'function';

export async function invokeStreaming(handler: UserHandler, event: unknown, stream: ResponseStream, context: LambdaContext, flavour: Flavour): Promise<Outcome> {
  let stopWatching = () => {};
  try {
    const returned = handler(event, stream.surface(), context);
    // A handler that is not async streams too: it ends its stream when it is done, as an async one
    // does. (aws-lambda-ric rejects it with "Streaming does not support non-async handlers.", and
    // 4.x then logs an "Invoke Error" although the response streamed fine: a documented difference.)
    const result = isPromise(returned)
      ? await new Promise<unknown>((resolve, reject) => {
          stopWatching = onEmptyLoop(() => reject(neverSettled()));
          returned.then(resolve, reject);
        })
      : returned;
    stopWatching();
    if (result !== undefined) console.warn('Streaming handlers ignore return values.');
    // The handler may still be writing (from a timer, a pipeline): the invocation lasts until the
    // stream finishes, is destroyed, or nothing is left that could finish it.
    if (!stream.writableFinished && !stream.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('finish', done).off('close', done);
          stopWatching();
          resolve();
        };
        stream.once('finish', done).once('close', done);
        stopWatching = onEmptyLoop(done);
      });
    }
    if (stream.writableFinished) return streamed;
    // 3.x reports this one as a plain string (errorType "string"), 4.x as an Error.
    return failure(stream.destroyError ?? (flavour === 4 ? new Error(NOT_FINISHED) : NOT_FINISHED));
  } catch (err) {
    stopWatching();
    await nextTurn();
    return failure(err);
  }
}

/** Ends the invocation: waits for the Runtime API's answer, or first ends the stream with the error trailers. */
export async function deliverStreamed(stream: ResponseStream, logger: Logger, outcome: Outcome): Promise<void> {
  let answer;
  if (outcome.kind === 'error') {
    logger.logError('Invoke Error', outcome.error);
    answer = await stream.fail(outcome.error);
  } else {
    answer = await stream.answered();
  }
  if (!answer.accepted) logger.log(LEVELS.ERROR, `The Runtime API refused the invocation's response stream with status ${answer.status}: ${answer.body}`);
}

/** 3.x: after a streamed invocation, the next one waits for the event loop to empty (unless callbackWaitsForEmptyEventLoop is false). */
export function emptyLoop(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = onEmptyLoop(() => {
      stop();
      setImmediate(resolve);
    });
  });
}
