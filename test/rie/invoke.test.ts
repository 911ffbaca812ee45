// Ordinary invokes of the staged runtime under the real RIE: result bytes, init once, handler shapes.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type RieOptions, type StartedRie } from '../fakes/rie.ts';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});
const start = async (o: RieOptions) => (rie = await startRie(o));

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('answers a hello invocation with the handler result, byte for byte', async () => {
    const r = await start({ node, taskRoot: join(FIXTURES, 'hello'), handler: 'index.handler' });
    const res = await r.invoke({ name: 'lambda' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"hello":"lambda"}');
    const log = await res.log();
    expect(log.runtime).toEqual([]);
    expect(log.lines[0]).toBe(`START RequestId: ${log.requestId} Version: $LATEST`);
  });

  it('keeps init state across invokes: module scope runs once, in one process', async () => {
    const r = await start({ node, taskRoot: join(FIXTURES, 'counter'), handler: 'index.handler' });
    const results = [];
    for (let i = 0; i < 3; i++) {
      const res = await r.invoke({});
      expect(res.status).toBe(200);
      results.push(res.json());
      await res.log();
    }
    expect(results.map((x) => x.invokes)).toEqual([1, 2, 3]);
    expect(new Set(results.map((x) => x.pid)).size).toBe(1);
    const initLines = r.logs().filter((l) => l.endsWith('\tINFO\tinit'));
    expect(initLines).toHaveLength(1);
    // Init output carries no request id: "-" as aws-lambda-ric 4.x, "undefined" as 3.x.
    expect(initLines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${node >= 24 ? '-' : 'undefined'}\\tINFO\\tinit$`));
    expect(r.logs().filter((l) => l.startsWith('START RequestId: '))).toHaveLength(3);
  });

  // [fixture folder, _HANDLER, loaded as CommonJS]
  it.each([
    ['esm-mjs', 'index.handler', false],
    ['esm-js', 'app.handler', false],
    ['cjs-cjs', 'index.handler', true],
    ['cjs-js', 'app.handler', true],
    ['nested', 'dir/sub/mod.export.nested.fn', false],
  ] as const)('loads %s (_HANDLER=%s)', async (shape, handler, cjs) => {
    const r = await start({ node, taskRoot: join(FIXTURES, shape), handler });
    const res = await r.invoke({ n: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toBe(JSON.stringify({ shape, cjs, event: { n: 1 } }));
  });
});
