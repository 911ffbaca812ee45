// Posting an Outcome: the response, or the error (logged as "Invoke Error" first, as the official
// runtime does). A post the Runtime API refuses with a 4xx is logged and the runtime goes on.
import type { PostOutcome, RuntimeApiClient } from '../api/client.ts';
import { formatError, formatXRayCause, type Flavour } from '../errors/format.ts';
import { LEVELS } from '../logging/format.ts';
import type { Logger } from '../logging/console-patch.ts';
import type { Outcome } from './outcome.ts';

export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export async function deliver(client: RuntimeApiClient, logger: Logger, flavour: Flavour, requestId: string, outcome: Outcome): Promise<void> {
  if (outcome.kind === 'response') {
    const answer = await client.postResponse(requestId, outcome.body);
    if (!answer.accepted) reportRefused(logger, 'response', answer, Buffer.byteLength(outcome.body));
    return;
  }
  if (outcome.kind === 'streamed') return; // a streaming function's outcome goes through its stream
  logger.logError('Invoke Error', outcome.error);
  const answer = await client.postError(requestId, formatError(outcome.error, flavour), formatXRayCause(outcome.error));
  if (!answer.accepted) reportRefused(logger, 'error', answer, undefined);
}

function reportRefused(logger: Logger, what: string, answer: Extract<PostOutcome, { accepted: false }>, size: number | undefined): void {
  if (answer.status === 413 && size !== undefined) {
    logger.log(
      LEVELS.ERROR,
      `The response was not delivered: its size (${size} bytes) exceeds Lambda's limit for a buffered response (${MAX_RESPONSE_BYTES} bytes). The Runtime API answered 413 ${answer.body}`,
    );
    return;
  }
  logger.log(LEVELS.ERROR, `The Runtime API refused the invocation ${what} with status ${answer.status}: ${answer.body}`);
}
