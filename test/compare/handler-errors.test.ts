// Case 2: a handler that fails. Both runtimes must post the same /error body and X-Ray cause and
// log the same "Invoke Error" line, in TEXT and in JSON format.
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_MAJORS, type NodeMajor } from '../fakes/spawn-runtime.ts';
import { headerNames, linesFor, normLine, postShape, requestLine, resultOf, runPair, type Pair } from './harness.ts';

const CASES = [
  'error',
  'subclass',
  'type-error',
  'string',
  'object',
  'null',
  'undefined',
  'number',
  'multiline',
  'del-char',
  'reject-error',
  'reject-string',
  'sync-error',
  'sync-string',
  'sync-null',
] as const;
// The log configurations: format, and a level above ERROR (the "Invoke Error" line is filtered).
const FORMATS = ['TEXT', 'JSON', 'JSON, level FATAL'] as const;
const ENV: Record<(typeof FORMATS)[number], Record<string, string>> = {
  TEXT: { AWS_LAMBDA_LOG_FORMAT: 'TEXT' },
  JSON: { AWS_LAMBDA_LOG_FORMAT: 'JSON' },
  'JSON, level FATAL': { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'FATAL' },
};
const id = (kind: string) => `error-${kind}`;

const pairs = new Map<string, Pair>();
const key = (node: NodeMajor, format: string) => `${node}/${format}`;
beforeAll(async () => {
  const invokes = CASES.map((kind) => ({ requestId: id(kind), event: { kind }, traceId: 'Root=1-5e1b4151-5ac6c58f5b8a8c3a1e0f1b2c;Sampled=1' }));
  await Promise.all(
    NODE_MAJORS.flatMap((node) =>
      FORMATS.map(async (format) =>
        pairs.set(key(node, format), await runPair({ node, fixture: 'errors', handler: 'index.handler', env: ENV[format], invokes })),
      ),
    ),
  );
});

describe.each(NODE_MAJORS)('node %i: handler errors', (node) => {
  describe.each(FORMATS)('log config %s', (format) => {
    it.each(CASES)('%s: same post (body, X-Ray cause), same log lines', (kind) => {
      const { ric, ln } = pairs.get(key(node, format)) as Pair;
      const { errorType: _l, ...lnShape } = postShape(resultOf(ln, id(kind))) as Record<string, unknown>;
      const { errorType: _r, ...ricShape } = postShape(resultOf(ric, id(kind))) as Record<string, unknown>;
      expect(ricShape.request, 'aws-lambda-ric answered').toBeDefined();
      expect(lnShape).toEqual(ricShape);
      expect(linesFor(ln, id(kind)).map(normLine)).toEqual(linesFor(ric, id(kind)).map(normLine));
    });

    it('the same requests, in the same order, nothing on stderr', () => {
      const { ric, ln } = pairs.get(key(node, format)) as Pair;
      expect(ln.requests.map(requestLine)).toEqual(ric.requests.map(requestLine));
      expect(ln.stderr).toBe(ric.stderr);
    });
  });

  // Documented difference: aws-lambda-ric's native client posts /error without
  // Lambda-Runtime-Function-Error-Type; lambda-node sends it, equal to the body's errorType.
  it.each(CASES)('documented difference: %s: lambda-node sends Lambda-Runtime-Function-Error-Type on /error', (kind) => {
    const { ric, ln } = pairs.get(key(node, 'TEXT')) as Pair;
    const l = resultOf(ln, id(kind));
    const r = resultOf(ric, id(kind));
    // On Node 22 `throw null` in a callback-capable handler is callback(null): a success.
    if (!r?.path.endsWith('/error')) return expect(l?.path).toBe(r?.path);
    expect(r?.headers['lambda-runtime-function-error-type']).toBeUndefined();
    expect(l?.headers['lambda-runtime-function-error-type']).toBe(JSON.parse(l?.body.toString('utf8') ?? '{}').errorType);
    // Otherwise the same headers.
    expect(headerNames(l).filter((h) => h !== 'lambda-runtime-function-error-type')).toEqual(headerNames(r));
  });
});
