// Graceful shutdown. Lambda sends SIGTERM before it ends an execution environment only when an
// extension is registered, then SIGKILL once the shutdown phase is over (500 ms with only internal
// extensions, 2 s with an external one); with none it sends SIGKILL alone. aws-lambda-ric registers
// none, so a function's SIGTERM listeners never run under it. Here, when the function listens for
// SIGTERM once its module has loaded, an internal extension subscribed to no event is registered
// during init (as aws-lambda-go's lambda.EnableSIGTERM does). On SIGTERM the function's listeners
// run first (they were added first); then the runtime stops holding the process: its parked /next
// and the extension's connection no longer keep Node alive, so Node exits 0 as soon as the
// listeners' own work (a flush, a close) is done. An invocation still running or being posted
// holds the process until its answer is in: no response is cut. Without a listener nothing is
// registered, and a SIGTERM (sent when an external extension is present) ends the process as it
// does under the official runtime. Whatever still holds the process 450 ms after SIGTERM (a
// listener that never finishes, a handler still running at a timeout reset), the runtime exits
// then, with process.exitCode: Lambda's SIGKILL comes at 500 ms.
import type { RuntimeApiClient } from './api/client.ts';
import { LEVELS } from './logging/format.ts';
import type { Logger } from './logging/console-patch.ts';

/** The internal extension's name, as Lambda lists it in the function's logs. */
export const SHUTDOWN_EXTENSION_NAME = 'lambda-node-sigterm';

/** Lambda's shutdown phase with only internal extensions is 500 ms; the runtime is gone 50 ms before. */
export const SIGTERM_EXIT_MS = 450;

export async function enableGracefulShutdown(client: RuntimeApiClient, logger: Logger): Promise<void> {
  if (process.listenerCount('SIGTERM') === 0) return;
  try {
    await client.registerShutdownExtension(SHUTDOWN_EXTENSION_NAME);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    logger.log(LEVELS.WARN, `lambda-node: the function listens for SIGTERM, but Lambda will not send it: registering the internal extension failed (${why}).`);
    return;
  }
  process.on('SIGTERM', () => {
    client.release();
    setTimeout(() => process.exit(), SIGTERM_EXIT_MS).unref();
  });
}
