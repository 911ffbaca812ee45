// Case 4: handler loading. One fixture folder per module shape; both runtimes must load the same
// file the same way (CommonJS or ES module) and answer the same, or fail init the same way.
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';
import { initErrorOf, normLine, normStderr, pool, postShape, requestLine, resultOf, runPair, type Pair } from './harness.ts';

interface Shape {
  name: string;
  fixture: string;
  handler: string;
}

const SHAPES: Shape[] = [
  { name: '.js, CommonJS', fixture: 'cjs-js', handler: 'index.handler' },
  { name: '.js in a type=module package', fixture: 'esm-type-module', handler: 'index.handler' },
  { name: '.mjs', fixture: 'mjs', handler: 'index.handler' },
  { name: '.cjs', fixture: 'cjs-ext', handler: 'index.handler' },
  { name: 'nested dir/sub/module.export.nested.fn', fixture: 'nested', handler: 'dir/sub/module.export.nested.fn' },
  { name: 'property of an exported function', fixture: 'nested', handler: 'fn-props.handler.inner' },
  { name: 'extensionless file', fixture: 'extensionless', handler: 'app.handler' },
  { name: 'package in node_modules', fixture: 'node-modules', handler: 'pkg.handler' },
  { name: 'ES module default export object', fixture: 'esm-default', handler: 'index.handler' },
  { name: 'top-level await', fixture: 'tla', handler: 'index.handler' },
];
const REQUEST_ID = 'load-1';
const runs = SHAPES.flatMap((shape) => NODE_MAJORS.map((node) => ({ shape, node })));
const key = (name: string, node: number) => `${name}/${node}`;

const pairs = new Map<string, Pair>();
beforeAll(async () => {
  await pool(runs, 4, async ({ shape, node }) =>
    pairs.set(
      key(shape.name, node),
      await runPair({ node, fixture: shape.fixture, handler: shape.handler, invokes: [{ requestId: REQUEST_ID, event: { from: 'test' } }] }),
    ),
  );
}, 120_000);

describe.each(NODE_MAJORS)('node %i: handler loading', (node) => {
  it.each(SHAPES)('$name: same answer (or the same init error)', (shape) => {
    const { ric, ln } = pairs.get(key(shape.name, node)) as Pair;
    expect(ric.requests.length, 'aws-lambda-ric talked to the Runtime API').toBeGreaterThan(0);
    expect(ln.requests.map(requestLine)).toEqual(ric.requests.map(requestLine));
    expect(postShape(resultOf(ln, REQUEST_ID))).toEqual(postShape(resultOf(ric, REQUEST_ID)));
    expect(postShape(initErrorOf(ln))).toEqual(postShape(initErrorOf(ric)));
    expect(ln.lines.map(normLine)).toEqual(ric.lines.map(normLine));
    expect(normStderr(ln.stderr)).toBe(normStderr(ric.stderr));
    expect(ln.exit).toEqual(ric.exit);
  });

  it('every shape loads, except: the default export object on Node 22, a function property on Node 24', () => {
    for (const shape of SHAPES) {
      const { ln } = pairs.get(key(shape.name, node)) as Pair;
      const answered = resultOf(ln, REQUEST_ID)?.path.endsWith('/response') ?? false;
      // 3.x (Node 22) does not look under `default`, 4.x does; 4.x walks only into objects, 3.x into functions too.
      const fails = (shape.fixture === 'esm-default' && node === 22) || (shape.handler === 'fn-props.handler.inner' && node === 24);
      expect(answered, shape.name).toBe(!fails);
    }
  });
});
