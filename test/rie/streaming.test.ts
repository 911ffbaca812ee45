// Response streaming under the real RIE, asserting what it actually does (observed, v1.x
// aws-lambda-runtime-interface-emulator): it accepts the streamed POST (chunked, with trailers),
// buffers the whole body and answers the invoker 200 with Content-Length. It does not stream to
// the invoker, ignores the function's Content-Type (Go content sniffing decides it), does not
// interpret the HttpResponseStream prelude, and drops the error trailers (the invoker sees 200
// and the partial body). Streaming semantics are therefore tested against the in-process fake.
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { taskDir } from '../unit/behaviour/harness.ts';

const HANDLER = `
export const handler = awslambda.streamifyResponse(async (event, stream) => {
  if (event.kind === 'http') { awslambda.HttpResponseStream.from(stream, { statusCode: 201 }).write('body'); stream.end(); return; }
  if (event.kind === 'error') { stream.write('partial'); await new Promise((r) => setTimeout(r, 10)); throw new Error('boom'); }
  stream.setContentType('application/json'); stream.write('{"a":'); setTimeout(() => stream.end('1}'), 20);
});`;

let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

describe.each(NODE_MAJORS)('node %i: streaming under the RIE', (node) => {
  it('the RIE buffers the stream: 200, whole body, Content-Length, sniffed content type, prelude raw, error trailers dropped', async () => {
    rie = await startRie({ node, taskRoot: taskDir({ 'index.mjs': HANDLER }), handler: 'index.handler' });
    const plain = await rie.invoke({});
    expect(plain.status).toBe(200);
    expect(plain.body).toBe('{"a":1}');
    expect(plain.headers['content-length']).toBe('7');
    expect(plain.headers['transfer-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');

    const http = await rie.invoke({ kind: 'http' });
    expect(http.status).toBe(200);
    expect(http.body).toBe('{"statusCode":201}' + '\0'.repeat(8) + 'body');

    const failed = await rie.invoke({ kind: 'error' });
    expect(failed.status).toBe(200);
    expect(failed.body).toBe('partial');
    // The runtime's stdout and the RIE's own START/END lines reach the RIE's output through
    // different pipes, so their order varies under load: wait for the record itself (the only
    // invocation here that throws 'boom').
    const record = await rie.waitForLog(/\tInvoke Error \t/);
    expect(record).toMatch(/^\S+Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"boom",/);
  });
});
