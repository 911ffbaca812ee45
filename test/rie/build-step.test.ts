// Functions built by `lambda-node build`, under the real RIE, side by side with the same functions
// unbuilt: the same response bytes, the same errors (type, message, first trace line; the frames
// point into the bundle), the same init errors, and the code cache used (LAMBDA_NODE_DEBUG).
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { build, BUILD_FIXTURES, type Built } from '../fakes/build-step.ts';
import { NODE_MAJORS, ROOT, type NodeMajor } from '../fakes/spawn-runtime.ts';

// The RIE gives the function 3008 MB; on Node 22 the cache must be made for that size.
const RIE_MEMORY = '3008';
const SDK = join(ROOT, 'bench/functions/sdk');

let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

interface Case {
  readonly name: string;
  readonly dir: string;
  readonly handler: string;
  readonly events: readonly unknown[];
  /** Init fails (on every Node, or on this one): the RIE prints START but no END or REPORT. */
  readonly initFails?: 'all' | NodeMajor;
}

const CASES: readonly Case[] = [
  { name: 'ES module, top-level await', dir: join(BUILD_FIXTURES, 'esm-tla'), handler: 'index.handler', events: [{ name: 'rie' }, { name: 'again' }] },
  { name: 'ES module, a throwing handler', dir: join(BUILD_FIXTURES, 'esm-tla'), handler: 'index.fails', events: [{ id: 42 }] },
  { name: 'ES module, a handler under default', dir: join(BUILD_FIXTURES, 'esm-tla'), handler: 'index.default.nested.handler', events: [{}] },
  { name: 'CommonJS, module.exports a function', dir: join(BUILD_FIXTURES, 'cjs'), handler: 'index.handler', events: [{ n: 21 }] },
  { name: 'CommonJS, a throwing handler', dir: join(BUILD_FIXTURES, 'cjs'), handler: 'index.fails', events: [{}] },
  { name: 'CommonJS, a callback handler (refused at init on Node 24)', dir: join(BUILD_FIXTURES, 'cjs'), handler: 'index.callback', events: [{}], initFails: 24 },
  { name: 'an init error after top-level await', dir: join(BUILD_FIXTURES, 'init-error'), handler: 'index.handler', events: [{}], initFails: 'all' },
  { name: 'the AWS SDK v3 client at init', dir: SDK, handler: 'index.handler', events: [{}] },
];

/** A response as compared: a success byte for byte; an error by type, message and first trace line. */
function comparable(res: { status: number; body: string; headers: Record<string, string> }): unknown {
  let json: any;
  try {
    json = JSON.parse(res.body);
  } catch {
    return { status: res.status, body: res.body };
  }
  if (json && typeof json === 'object' && 'errorType' in json) {
    return { status: res.status, errorType: json.errorType, errorMessage: json.errorMessage, trace0: json.trace?.[0] ?? json.stackTrace?.[0], traced: (json.trace ?? json.stackTrace)?.length > 1 };
  }
  return { status: res.status, body: res.body };
}

describe.each(NODE_MAJORS)('node %i', (node: NodeMajor) => {
  const built = new Map<string, Built>();
  beforeAll(() => {
    for (const dir of new Set(CASES.map((c) => c.dir))) built.set(dir, build(dir, ['--node', String(node), '--memory', RIE_MEMORY, '--no-measure']));
  }, 180_000);
  afterAll(() => built.forEach((b) => b.remove()));

  it.each(CASES)('$name: the built function answers as the unbuilt one, from its code cache', async (c) => {
    const answers: unknown[][] = [];
    for (const taskRoot of [c.dir, built.get(c.dir)!.out]) {
      rie = await startRie({ node, taskRoot, handler: c.handler, env: { LAMBDA_NODE_DEBUG: 'code-cache' } });
      const got: unknown[] = [];
      for (const event of c.events) {
        const res = await rie.invoke(event);
        got.push(comparable(res));
        if (c.initFails === 'all' || c.initFails === node) {
          // The runtime's own record of it: label, type and message (the stack is the bundle's).
          const line = await rie.waitForLog(/\t(Init Error|Uncaught Exception) \t/);
          const record = JSON.parse(line.slice(line.indexOf('{')));
          got.push({ record: line.split('\t').slice(2, 4), errorType: record.errorType, errorMessage: record.errorMessage });
        } else {
          await res.log();
        }
      }
      const debug = rie.logs().filter((l) => l.startsWith('lambda-node: code cache'));
      if (taskRoot === c.dir) expect(debug).toEqual([]);
      else expect(debug).toEqual([expect.stringMatching(new RegExp(`^lambda-node: code cache hit: ${taskRoot}/index\\.m?js \\(\\d+ bytes, made (init|eager)\\)$`))]);
      expect(rie.logs().filter((l) => l.includes('lambda-node: the code cache for'))).toEqual([]);
      answers.push(got);
      await rie.stop();
      rie = undefined;
    }
    expect(answers[1]).toEqual(answers[0]);
  });
});
