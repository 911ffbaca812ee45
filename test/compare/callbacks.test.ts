// Case 6: callback-style handlers. Node 22 (3.x) runs them: callback, callbackWaitsForEmptyEventLoop,
// context.succeed/fail/done, the null answer when a handler never calls back. Node 24 (4.x)
// refuses a three-parameter handler at init with Runtime.CallbackHandlerDeprecated.
import { beforeAll, describe, expect, it } from 'vitest';
import { initErrorOf, linesFor, normLine, normStderr, postShape, requestLine, resultOf, runPair, type Pair } from './harness.ts';

const KINDS = [
  'wait-true',
  'wait-false',
  'callback-error',
  'callback-string-error',
  'callback-no-args',
  'succeed',
  'fail',
  'fail-empty',
  'done-ok',
  'done-error',
  'double',
  'no-callback',
  'async-return',
  'async-reject',
  'throw',
  'context',
] as const;
const id = (kind: string) => `cb-${kind}`;

let node22: Pair;
let node24: Pair;
beforeAll(async () => {
  [node22, node24] = await Promise.all([
    runPair({ node: 22, fixture: 'callbacks', handler: 'index.handler', invokes: KINDS.map((kind) => ({ requestId: id(kind), event: { kind } })) }),
    runPair({ node: 24, fixture: 'callbacks', handler: 'index.handler', invokes: [{ requestId: id('refused'), event: { kind: 'succeed' } }], exits: true }),
  ]);
}, 60_000);

describe('node 22: callback handlers', () => {
  it.each(KINDS)('%s: same post, same log lines', (kind) => {
    const { ric, ln } = node22;
    const { errorType: _l, ...lnShape } = postShape(resultOf(ln, id(kind))) as Record<string, unknown>;
    const { errorType: _r, ...ricShape } = postShape(resultOf(ric, id(kind))) as Record<string, unknown>;
    expect(ricShape.request, 'aws-lambda-ric answered').toBeDefined();
    expect(lnShape).toEqual(ricShape);
    expect(linesFor(ln, id(kind)).map(normLine)).toEqual(linesFor(ric, id(kind)).map(normLine));
  });

  it('callbackWaitsForEmptyEventLoop: true answers after the pending timer ran, false at once', () => {
    for (const run of [node22.ric, node22.ln]) {
      expect(JSON.parse(resultOf(run, id('wait-true'))?.body.toString() ?? '')).toEqual({ fired: true });
      expect(JSON.parse(resultOf(run, id('wait-false'))?.body.toString() ?? '')).toEqual({ fired: false, wait: false });
      expect(resultOf(run, id('no-callback'))?.body.toString()).toBe('null');
      expect(resultOf(run, id('double'))?.body.toString()).toBe('"first"');
    }
  });

  it('the same requests, in the same order; all lines the same', () => {
    const { ric, ln } = node22;
    expect(ln.requests.map(requestLine)).toEqual(ric.requests.map(requestLine));
    expect(ln.lines.map(normLine)).toEqual(ric.lines.map(normLine));
    expect(ln.stderr).toBe(ric.stderr);
  });
});

describe('node 24: callback handlers are refused', () => {
  it('same /init/error (Runtime.CallbackHandlerDeprecated), log lines, stderr, exit code', () => {
    const { ric, ln } = node24;
    expect(JSON.parse(initErrorOf(ric)?.body.toString() ?? '{}').errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(ln.requests.map(requestLine)).toEqual(ric.requests.map(requestLine));
    expect(postShape(initErrorOf(ln))).toEqual(postShape(initErrorOf(ric)));
    expect(ln.lines.map(normLine)).toEqual(ric.lines.map(normLine));
    expect(normStderr(ln.stderr)).toBe(normStderr(ric.stderr));
    expect(ln.exit).toEqual(ric.exit);
    expect(ric.exit?.code).toBe(1);
  });
});
