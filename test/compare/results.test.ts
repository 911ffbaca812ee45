// Case 1: buffered results. The same handler returns each shape; both runtimes must post the same
// /response bytes (or, for a result JSON cannot encode, the same /error) and print the same lines.
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_MAJORS, type NodeMajor } from '../fakes/spawn-runtime.ts';
import { headerNames, linesFor, normLine, postShape, requestLine, resultOf, runPair, type Pair } from './harness.ts';

const CASES = ['object', 'string', 'number', 'undefined', 'null', 'buffer', 'nested', 'circular', 'bigint'] as const;
const EVENTS: Record<string, unknown> = {
  'echo-unicode': { kind: 'echo', text: 'żółw 🐢 \u2028 "quoted" \\ back' },
  'echo-array-event': ['not', 'an', 'object'],
};
const id = (name: string) => `result-${name}`;
/** A request id that has to be percent-encoded in the path. */
const ODD_ID = 'id with spaces/and+plus?';

const FORMATS = ['TEXT', 'JSON'] as const;
const pairs = new Map<string, Pair>();
const key = (node: NodeMajor, format: string) => `${node}/${format}`;
beforeAll(async () => {
  const invokes = [
    ...CASES.map((kind) => ({ requestId: id(kind), event: { kind } })),
    { requestId: id('echo-unicode'), event: EVENTS['echo-unicode'] },
    { requestId: id('echo-array-event'), event: EVENTS['echo-array-event'] },
    { requestId: ODD_ID, event: { kind: 'object' } },
  ];
  await Promise.all(
    NODE_MAJORS.flatMap((node) =>
      FORMATS.map(async (format) =>
        pairs.set(key(node, format), await runPair({ node, fixture: 'results', handler: 'index.handler', env: { AWS_LAMBDA_LOG_FORMAT: format }, invokes })),
      ),
    ),
  );
});

describe.each(NODE_MAJORS.flatMap((node) => FORMATS.map((format) => ({ node, format }))))('node $node, log format $format: results', ({ node, format }) => {
  it.each([...CASES, 'echo-unicode', 'echo-array-event'])('%s: same post, same bytes, same log lines', (name) => {
    const { ric, ln } = pairs.get(key(node, format)) as Pair;
    const r = resultOf(ric, id(name));
    const l = resultOf(ln, id(name));
    expect(r, 'aws-lambda-ric answered').toBeDefined();
    expect(l?.path).toBe(r?.path);
    // Exact bytes for a response; normalised (frames, paths) for an error.
    if (r?.path.endsWith('/response')) expect(l?.body.toString('utf8')).toBe(r.body.toString('utf8'));
    const { errorType: _lnType, ...lnShape } = postShape(l) as Record<string, unknown>;
    const { errorType: _ricType, ...ricShape } = postShape(r) as Record<string, unknown>;
    expect(lnShape).toEqual(ricShape);
    if (r?.path.endsWith('/response')) expect(headerNames(l)).toEqual(headerNames(r));
    expect(linesFor(ln, id(name)).map(normLine)).toEqual(linesFor(ric, id(name)).map(normLine));
  });

  it('a request id that needs encoding: the same path', () => {
    const { ric, ln } = pairs.get(key(node, format)) as Pair;
    expect(resultOf(ric, ODD_ID)?.path).toBe('/2018-06-01/runtime/invocation/id%20with%20spaces%2Fand%2Bplus%3F/response');
    expect(resultOf(ln, ODD_ID)?.path).toBe(resultOf(ric, ODD_ID)?.path);
    expect(resultOf(ln, ODD_ID)?.body.toString()).toBe(resultOf(ric, ODD_ID)?.body.toString());
  });

  it('the same requests, in the same order', () => {
    const { ric, ln } = pairs.get(key(node, format)) as Pair;
    expect(ln.requests.map(requestLine)).toEqual(ric.requests.map(requestLine));
    expect(ln.stderr).toBe(ric.stderr);
  });
});
