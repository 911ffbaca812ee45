// A middleware-heavy handler: middy with header normalising, JSON body parsing, input/output
// logging and an HTTP error handler around a function that echoes the parsed body.
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import inputOutputLogger from '@middy/input-output-logger';

const echo = async (event) => ({ statusCode: 200, body: JSON.stringify({ got: event.body ?? null }) });

export const handler = middy(echo)
  .use(inputOutputLogger())
  .use(httpHeaderNormalizer())
  .use(httpJsonBodyParser({ disableContentTypeError: true }))
  .use(httpErrorHandler());
