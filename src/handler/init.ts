// Init: from _HANDLER to the handler function, once. Every failure is a typed RuntimeError (or
// the user's own error, thrown while their module loaded), reported on /init/error by main.
import { RuntimeError } from '../errors/runtime-errors.ts';
import { HANDLER_HIGHWATERMARK, HANDLER_STREAMING, STREAM_RESPONSE } from '../stream/http-response-stream.ts';
import { parseHandler } from './parse.ts';
import { installNodePathForEsm } from './locate.ts';
import { loadModule } from './load.ts';
import type { OnCacheReport } from './built.ts';
import { resolveHandler, type UserHandler } from './resolve.ts';
import type { RuntimeConfig } from '../config.ts';

const CALLBACK_ERROR_NODEJS22 =
  'ERROR: AWS Lambda does not support callback-based function handlers when using Node.js 22 with Managed Instances. To use Managed Instances, modify this function to use a supported handler signature. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';
const CALLBACK_ERROR_NODEJS24_ABOVE =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

export interface LoadedHandler {
  readonly handler: UserHandler;
  /** Marked by awslambda.streamifyResponse. */
  readonly streaming: boolean;
  /** The response stream's highWaterMark given to streamifyResponse, if any. */
  readonly highWaterMark: number | undefined;
}

export async function loadHandler(config: RuntimeConfig, onCache?: OnCacheReport): Promise<LoadedHandler> {
  const ownName = config.flavour === 4;
  const name = parseHandler(config.handler, ownName);
  installNodePathForEsm(config.nodePath);
  const mod = await loadModule(config.taskRoot, name, config.flavour, onCache);
  const handler = resolveHandler(mod, name, config.flavour);

  const marker = (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING];
  const streaming = !!marker;
  if (streaming && marker !== STREAM_RESPONSE) {
    throw new RuntimeError('Runtime.MalformedStreamingHandler', 'Only response streaming is supported.', ownName);
  }
  if (config.flavour === 4 && handler.length >= 3 && !streaming) {
    const on22 = process.env.AWS_EXECUTION_ENV === 'AWS_Lambda_nodejs22.x';
    throw new RuntimeError('Runtime.CallbackHandlerDeprecated', on22 ? CALLBACK_ERROR_NODEJS22 : CALLBACK_ERROR_NODEJS24_ABOVE, ownName);
  }
  const hwm = Number((handler as unknown as Record<symbol, unknown>)[HANDLER_HIGHWATERMARK] || NaN);
  return { handler, streaming, highWaterMark: Number.isNaN(hwm) ? undefined : hwm };
}
