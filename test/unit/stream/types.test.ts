// The public streaming types: what users write type-checks (vitest's typecheck is not needed:
// these assignments are checked by `tsc -p .`, and run here as plain code).
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { AwsLambdaGlobal, ResponseStream, StreamingHandler } from '../../../src/types.ts';
import { HttpResponseStream, streamifyResponse } from '../../../src/stream/http-response-stream.ts';

describe('streaming types', () => {
  it('streamifyResponse and HttpResponseStream satisfy AwsLambdaGlobal; a typed handler keeps its type', () => {
    const g: AwsLambdaGlobal = { streamifyResponse, HttpResponseStream };
    const h: StreamingHandler<{ name: string }> = async (event, stream) => {
      const out: ResponseStream = g.HttpResponseStream.from(stream, { statusCode: 200, headers: { a: 'b' }, cookies: [] });
      out.end(event.name);
    };
    const wrapped = g.streamifyResponse(h, { highWaterMark: 16 });
    expect(wrapped).toBe(h);
    const w = new Writable() as ResponseStream;
    expect(typeof w.write).toBe('function');
  });
});
