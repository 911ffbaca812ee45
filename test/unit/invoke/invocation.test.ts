import { describe, expect, it } from 'vitest';
import { parseInvocation } from '../../../src/invoke/invocation.ts';
import type { Invocation } from '../../../src/api/client.ts';

function inv(headers: Record<string, string>, body: string | Buffer = '{}'): Invocation {
  return { requestId: 'req-1', headers: { 'lambda-runtime-aws-request-id': 'req-1', ...headers }, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

const GOOD = {
  'lambda-runtime-deadline-ms': '1767323045678',
  'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:f',
  'lambda-runtime-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  'lambda-runtime-client-context': '{"client":{"installation_id":"i"},"custom":{"k":"v"},"env":{"platform":"p"}}',
  'lambda-runtime-cognito-identity': '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}',
  'lambda-runtime-aws-tenant-id': 'tenant-7',
};

describe('parseInvocation', () => {
  it('a well-formed invocation: every field, no warnings', () => {
    const p = parseInvocation(inv(GOOD, '{"key":"value","n":[1,2]}'));
    expect(p).toEqual({
      requestId: 'req-1',
      deadlineMs: 1767323045678,
      functionArn: GOOD['lambda-runtime-invoked-function-arn'],
      traceId: GOOD['lambda-runtime-trace-id'],
      clientContext: { client: { installation_id: 'i' }, custom: { k: 'v' }, env: { platform: 'p' } },
      identity: { cognitoIdentityId: 'id', cognitoIdentityPoolId: 'pool' },
      tenantId: 'tenant-7',
      event: { key: 'value', n: [1, 2] },
      eventError: undefined,
      warnings: [],
    });
  });

  it('absent optional headers: trace id is "", the rest undefined, no warnings beyond the deadline', () => {
    const p = parseInvocation(inv({ 'lambda-runtime-deadline-ms': '1' }));
    expect(p.traceId).toBe('');
    expect(p.clientContext).toBeUndefined();
    expect(p.identity).toBeUndefined();
    expect(p.tenantId).toBeUndefined();
    expect(p.functionArn).toBeUndefined();
    expect(p.warnings).toEqual([]);
  });

  it('an empty tenant id header counts as none', () => {
    expect(parseInvocation(inv({ ...GOOD, 'lambda-runtime-aws-tenant-id': '' })).tenantId).toBeUndefined();
  });

  it('a malformed deadline: undefined and exactly one warning that says what getRemainingTimeInMillis does', () => {
    const p = parseInvocation(inv({ ...GOOD, 'lambda-runtime-deadline-ms': 'soon' }));
    expect(p.deadlineMs).toBeUndefined();
    expect(p.warnings).toEqual([
      'The lambda-runtime-deadline-ms header is not a number ("soon"): getRemainingTimeInMillis() counts down from Lambda\'s maximum timeout (900000 ms) for this invocation.',
    ]);
    expect(p.event).toEqual({});
  });

  it('a missing deadline: one warning naming it missing', () => {
    const { 'lambda-runtime-deadline-ms': _, ...rest } = GOOD;
    const p = parseInvocation(inv(rest));
    expect(p.deadlineMs).toBeUndefined();
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/^The lambda-runtime-deadline-ms header is missing: /);
  });

  it('a deadline with trailing garbage is read as its leading integer (parseInt)', () => {
    expect(parseInvocation(inv({ ...GOOD, 'lambda-runtime-deadline-ms': '1234abc' })).deadlineMs).toBe(1234);
  });

  it('client context that is not JSON: undefined, one warning, the rest intact', () => {
    const p = parseInvocation(inv({ ...GOOD, 'lambda-runtime-client-context': '{not json' }, '{"a":1}'));
    expect(p.clientContext).toBeUndefined();
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(
      /^Ignoring the Lambda-Runtime-Client-Context header: it is not valid JSON \(.+\); the context field is undefined for this invocation\.$/,
    );
    expect(p.identity).toEqual({ cognitoIdentityId: 'id', cognitoIdentityPoolId: 'pool' });
    expect(p.event).toEqual({ a: 1 });
    expect(p.eventError).toBeUndefined();
  });

  it('cognito identity that is not JSON: same treatment', () => {
    const p = parseInvocation(inv({ ...GOOD, 'lambda-runtime-cognito-identity': 'nope' }));
    expect(p.identity).toBeUndefined();
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/^Ignoring the Lambda-Runtime-Cognito-Identity header/);
  });

  it('all three malformed: three warnings, still no throw', () => {
    const p = parseInvocation(
      inv({ 'lambda-runtime-deadline-ms': 'x', 'lambda-runtime-client-context': '[', 'lambda-runtime-cognito-identity': '{' }, 'not json'),
    );
    expect(p.warnings).toHaveLength(3);
    expect(p.eventError).toBeInstanceOf(SyntaxError);
  });

  it('an event that is not JSON: eventError set, event undefined, no warning', () => {
    const p = parseInvocation(inv(GOOD, '{"truncated":'));
    expect(p.event).toBeUndefined();
    expect(p.eventError).toBeInstanceOf(SyntaxError);
    expect(p.warnings).toEqual([]);
  });

  it('an empty body is not JSON either', () => {
    expect(parseInvocation(inv(GOOD, '')).eventError).toBeInstanceOf(SyntaxError);
  });

  it('JSON scalars are events too, and the body is read as UTF-8', () => {
    expect(parseInvocation(inv(GOOD, 'null')).event).toBeNull();
    expect(parseInvocation(inv(GOOD, '"s"')).event).toBe('s');
    expect(parseInvocation(inv(GOOD, Buffer.from('{"é":"ü€"}', 'utf8'))).event).toEqual({ é: 'ü€' });
  });
});
