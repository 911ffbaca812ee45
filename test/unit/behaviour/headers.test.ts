// Invocation headers end to end, through lambda-node's own HTTP/1.1 client.
import { describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { start } from './harness.ts';

/** The fake sends header strings as latin1 bytes: this puts the UTF-8 bytes of `s` on the wire. */
const utf8OnTheWire = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

const probe = {
  'index.js': `
    exports.handler = async (event, context) => ({
      requestId: context.awsRequestId,
      clientContext: context.clientContext,
      identity: context.identity,
      arn: context.invokedFunctionArn,
      traceEnv: process.env._X_AMZN_TRACE_ID ?? null,
    });
  `,
};

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('non-ASCII client context, identity and ARN arrive as the UTF-8 text they are', async () => {
    const s = await start({ node, files: probe });
    const id = s.api.enqueue({
      clientContext: utf8OnTheWire('{"custom":{"name":"José ✓ 𝄞"}}'),
      cognitoIdentity: utf8OnTheWire('{"cognitoIdentityId":"ü"}'),
      functionArn: utf8OnTheWire('arn:aws:lambda:us-east-1:123456789012:function:fünf'),
    });
    expect((await s.api.result(id)).json).toMatchObject({
      clientContext: { custom: { name: 'José ✓ 𝄞' } },
      identity: { cognitoIdentityId: 'ü' },
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:fünf',
    });
  });

  it('request ids with URL-special characters are posted to their encoded path', async () => {
    const s = await start({ node, files: probe });
    for (const requestId of ['a/b', 'c d?e#f', '100%']) {
      s.api.enqueue({ requestId });
      const res = await s.api.result(requestId);
      expect(res.request.path).toBe(`/2018-06-01/runtime/invocation/${encodeURIComponent(requestId)}/response`);
      expect((res.json as { requestId: string }).requestId).toBe(requestId);
    }
  });

  it('_X_AMZN_TRACE_ID follows each invocation and is removed when one has no trace id', async () => {
    const s = await start({ node, files: probe });
    const traced = s.api.enqueue({ traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' });
    expect((await s.api.result(traced)).json).toMatchObject({ traceEnv: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' });
    const untraced = s.api.enqueue({});
    expect((await s.api.result(untraced)).json).toMatchObject({ traceEnv: null });
  });
});
