// Case 8: an uncaught exception or unhandled rejection while an invocation runs.
//  Node 22: 3.x posts /error for the invocation, logs "Uncaught Exception" / "Unhandled Promise
//           Rejection" and exits 129 / 128. lambda-node must do exactly that.
//  Node 24: documented difference. 4.x posts nothing and dies (exit 1, Node's own report on stderr);
//           lambda-node does what 3.x does, in 3.x's shapes: compared with aws-lambda-ric 3.x on Node 22.
//  While idle (after the answer): documented difference on both; lambda-node logs and exits at once.
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';
import { linesFor, normLine, normStderr, pool, postShape, requestLine, resultOf, runPair, type Pair, type Run } from './harness.ts';

interface Case {
  name: string;
  kind: string;
  label: 'Uncaught Exception' | 'Unhandled Promise Rejection';
  code: number;
  /** Also run with AWS_LAMBDA_LOG_FORMAT=JSON. */
  json?: boolean;
}
const CASES: Case[] = [
  { name: 'uncaught exception', kind: 'uncaught', label: 'Uncaught Exception', code: 129, json: true },
  { name: 'uncaught exception with its own name', kind: 'uncaught-custom', label: 'Uncaught Exception', code: 129 },
  { name: 'uncaught null', kind: 'uncaught-null', label: 'Uncaught Exception', code: 129 },
  { name: 'unhandled rejection of an Error', kind: 'rejection', label: 'Unhandled Promise Rejection', code: 128, json: true },
  { name: 'unhandled rejection of a string', kind: 'rejection-string', label: 'Unhandled Promise Rejection', code: 128 },
];
const FORMATS = ['TEXT', 'JSON'] as const;
const OK = 'uncaught-ok';
const FAIL = 'uncaught-fail';
const runs = CASES.flatMap((c) => NODE_MAJORS.flatMap((node) => FORMATS.filter((f) => f === 'TEXT' || c.json).map((format) => ({ c, node, format }))));
const key = (name: string, node: number, format: string) => `${name}/${node}/${format}`;

const pairs = new Map<string, Pair>();
const idle = new Map<number, Pair>();
const exits = new Map<number, Pair>();
beforeAll(async () => {
  const exitRuns = NODE_MAJORS.map(async (node) =>
    exits.set(node, await runPair({ node, fixture: 'uncaught', handler: 'index.handler', invokes: [{ requestId: OK, event: { kind: 'ok' } }, { requestId: FAIL, event: { kind: 'exit' } }], exits: true })),
  );
  const idleRuns = NODE_MAJORS.map((node) => ({ c: undefined, node, format: 'TEXT' }));
  await pool<{ c: Case | undefined; node: 22 | 24; format: string }, unknown>([...runs, ...idleRuns], 4, async ({ c, node, format }) => {
    if (c) {
      const invokes = [
        { requestId: OK, event: { kind: 'ok' } },
        { requestId: FAIL, event: { kind: c.kind } },
      ];
      pairs.set(key(c.name, node, format), await runPair({ node, fixture: 'uncaught', handler: 'index.handler', env: { AWS_LAMBDA_LOG_FORMAT: format }, invokes, exits: true }));
    } else {
      // The first invocation is answered, then its timer throws while the runtime waits for work;
      // a second invocation is queued after that.
      const invokes = [
        { requestId: 'idle-first', event: { kind: 'idle-uncaught' }, afterOutput: /thrown while idle/, pauseAfterMs: 200 },
        { requestId: 'idle-innocent', event: { kind: 'ok' } },
      ];
      idle.set(node, await runPair({ node, fixture: 'uncaught', handler: 'index.handler', invokes, exits: true }));
    }
  });
  await Promise.all(exitRuns);
}, 120_000);

function errorShape(run: Run, requestId: string): unknown {
  const { errorType: _t, ...shape } = postShape(resultOf(run, requestId)) as Record<string, unknown>;
  return shape;
}

describe('node 22: uncaught during an invocation, as 3.x', () => {
  const cases = runs.filter((r) => r.node === 22).map((r) => ({ ...r, title: `${r.c.name} (${r.format})` }));
  it.each(cases)('$title: same /error, log lines, stderr, exit code', ({ c, format }) => {
    const { ric, ln } = pairs.get(key(c.name, 22, format)) as Pair;
    expect(ric.exit?.code, 'aws-lambda-ric exited with its code').toBe(c.code);
    expect(ln.requests.map(requestLine)).toEqual(ric.requests.map(requestLine));
    expect(errorShape(ln, FAIL)).toEqual(errorShape(ric, FAIL));
    expect(ln.lines.map(normLine)).toEqual(ric.lines.map(normLine));
    expect(normStderr(ln.stderr)).toBe(normStderr(ric.stderr));
    expect(ln.exit).toEqual(ric.exit);
  });
});

describe('node 24: uncaught during an invocation (documented difference)', () => {
  const cases = runs.filter((r) => r.node === 24).map((r) => ({ ...r, title: `${r.c.name} (${r.format})` }));
  it.each(cases)('documented difference: $title: lambda-node posts /error, logs and exits as 3.x on Node 22 does', ({ c, format }) => {
    const ln = (pairs.get(key(c.name, 24, format)) as Pair).ln;
    const ric3 = (pairs.get(key(c.name, 22, format)) as Pair).ric;
    expect(ln.exit).toEqual({ code: c.code, signal: null });
    expect(ln.requests.map(requestLine)).toEqual(ric3.requests.map(requestLine));
    expect(errorShape(ln, FAIL)).toEqual(errorShape(ric3, FAIL));
    expect(linesFor(ln, FAIL).map(normLine)).toEqual(linesFor(ric3, FAIL).map(normLine));
    if (format === 'TEXT') expect(linesFor(ln, FAIL).some((l) => l.includes(`\tERROR\t${c.label} \t{`))).toBe(true);
    expect(ln.stderr).toBe('');
  });

  it.each(cases)('what aws-lambda-ric 4.x does: $title: posts nothing for the invocation and exits 1', ({ c, format }) => {
    const ric = (pairs.get(key(c.name, 24, format)) as Pair).ric;
    expect(resultOf(ric, OK)?.path).toMatch(/\/response$/);
    expect(resultOf(ric, FAIL)).toBeUndefined();
    expect(ric.exit).toEqual({ code: 1, signal: null });
    expect(linesFor(ric, FAIL)).toEqual([]);
    // Node's own report of the error that ended the process.
    expect(normStderr(ric.stderr)).toMatch(c.kind.startsWith('rejection') ? /nobody catches me|a string reason/ : /thrown from a timer|custom uncaught|^null$/m);
  });
});

describe.each(NODE_MAJORS)('node %i: uncaught while idle (documented difference)', (node) => {
  it('documented difference: lambda-node logs the error and exits at once, before taking another invocation', () => {
    const { ln } = idle.get(node) as Pair;
    expect(resultOf(ln, 'idle-first')?.path).toMatch(/\/response$/);
    expect(ln.queuedAt.has('idle-innocent'), 'gone before the next invocation was queued').toBe(false);
    expect(ln.requests.filter((r) => r.method === 'POST').map(requestLine)).toEqual(['POST /2018-06-01/runtime/invocation/idle-first/response']);
    expect(ln.lines.map(normLine)).toEqual([`<TIME>\tidle-first\tERROR\tUncaught Exception \t${UNCAUGHT_WHILE_IDLE}`]);
    expect(ln.exit).toEqual({ code: 129, signal: null });
  });

  it('what aws-lambda-ric does: it cannot exit while its /next call blocks, and dies in the next invocation', () => {
    const { ric } = idle.get(node) as Pair;
    expect(resultOf(ric, 'idle-first')?.path).toMatch(/\/response$/);
    // Still there when the innocent invocation was queued; it ended only after that, without answering it.
    expect(ric.queuedAt.get('idle-innocent')).toBeLessThanOrEqual(ric.exitedAt);
    expect(ric.requests.filter((r) => r.method === 'POST').map(requestLine)).toEqual(['POST /2018-06-01/runtime/invocation/idle-first/response']);
    if (node === 24) {
      expect(ric.exit).toEqual({ code: 1, signal: null });
      expect(normStderr(ric.stderr)).toContain('Error: thrown while idle');
    } else {
      expect(ric.lines.map(normLine)).toEqual([`<TIME>\tidle-first\tERROR\tUncaught Exception \t${UNCAUGHT_WHILE_IDLE}`]);
      expect(ric.exit).toEqual({ code: 129, signal: null });
    }
  });
});

const UNCAUGHT_WHILE_IDLE = JSON.stringify({ errorType: 'Error', errorMessage: 'thrown while idle', stack: ['Error: thrown while idle'] });

describe.each(NODE_MAJORS)('node %i: the handler calls process.exit(3)', (node) => {
  it('same: nothing posted for the invocation, same lines, same exit code', () => {
    const { ric, ln } = exits.get(node) as Pair;
    expect(ric.exit).toEqual({ code: 3, signal: null });
    expect(ln.requests.map(requestLine)).toEqual(ric.requests.map(requestLine));
    expect(resultOf(ln, FAIL)).toBeUndefined();
    expect(ln.lines.map(normLine)).toEqual(ric.lines.map(normLine));
    expect(normStderr(ln.stderr)).toBe(normStderr(ric.stderr));
    expect(ln.exit).toEqual(ric.exit);
  });
});
