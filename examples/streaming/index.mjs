// A response-streaming function: the body reaches the caller as it is written (through a Lambda
// function URL with InvokeMode RESPONSE_STREAM, or InvokeWithResponseStream).
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/plain' },
  });
  const lines = (async function* () {
    for (let i = 1; i <= 3; i++) {
      yield `line ${i} of ${event.name ?? 'the stream'}\n`;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await pipeline(Readable.from(lines), stream);
});
