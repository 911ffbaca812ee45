// A function built by `lambda-node build`, run by the staged runtime: its code cache is used (V8
// took it: LAMBDA_NODE_DEBUG=code-cache says "hit" only when script.cachedDataRejected is false),
// and a cache that is missing, damaged, stale, made by the other Node, or refused by V8 is not
// used: the function still runs (from its bundle, which is a complete module), with one warning,
// never a crash. The built bundle also runs unchanged on aws-lambda-ric.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRuntimeApi } from '../../fakes/fake-runtime-api.ts';
import { build, BUILD_FIXTURES, cacheHeader, pinnedNode, type Built } from '../../fakes/build-step.ts';
import { spawnRuntime, type NodeMajor } from '../../fakes/spawn-runtime.ts';
import { invoke, start } from './harness.ts';

const ESM = join(BUILD_FIXTURES, 'esm-tla');
const CJS = join(BUILD_FIXTURES, 'cjs');
const built: Record<string, Built> = {};
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lambda-node-cc-'));
  for (const node of [24, 22]) {
    // spawnRuntime gives the function 1024 MB.
    built[`esm${node}`] = build(ESM, ['--node', String(node), '--memory', '1024', '--no-measure']);
    built[`cjs${node}`] = build(CJS, ['--node', String(node), '--memory', '1024', '--no-measure']);
  }
}, 120_000);
afterAll(() => {
  for (const b of Object.values(built)) b.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh copy of a built directory, to damage. */
function copyOf(b: Built): string {
  const dir = mkdtempSync(join(scratch, 'copy-'));
  cpSync(b.out, dir, { recursive: true });
  return dir;
}

const WARN = 'lambda-node: the code cache for';

describe.each([24, 22] as NodeMajor[])('node %i', (node) => {
  const other = node === 24 ? 22 : 24;
  const event = { name: 'cache', id: 7 };

  async function run(taskRoot: string, o: { handler?: string; env?: Record<string, string> } = {}) {
    const s = await start({ node, taskRoot, handler: o.handler ?? 'index.handler', env: { LAMBDA_NODE_DEBUG: 'code-cache', ...o.env } });
    const r = await invoke(s, event);
    return { body: r.body.toString(), kind: r.kind, warnings: s.linesWith(WARN), debug: s.rt.stderr().split('\n').filter((l) => l.startsWith('lambda-node: code cache')) };
  }

  it('uses the cache (V8 accepted it) and answers exactly as the unbuilt function, ES module and CommonJS', async () => {
    for (const [dir, b] of [[ESM, built[`esm${node}`]!], [CJS, built[`cjs${node}`]!]] as const) {
      const original = await run(dir);
      const fromCache = await run(b.out);
      expect(fromCache.debug).toEqual([expect.stringMatching(new RegExp(`^lambda-node: code cache hit: ${b.out}/index\\.js \\(\\d+ bytes, made init\\)$`))]);
      expect(fromCache.warnings).toEqual([]);
      expect(fromCache.body).toBe(original.body);
      expect(original.debug).toEqual([]); // an unbuilt function has no cache: nothing said
    }
  });

  it('without its cache file: loads the bundle the usual way, silently', async () => {
    const dir = copyOf(built[`esm${node}`]!);
    unlinkSync(join(dir, '.lambda-node/index.js.cache'));
    const r = await run(dir);
    expect(r.kind).toBe('response');
    expect(JSON.parse(r.body).greeting).toBe('hello, cache');
    expect(r.debug).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['a damaged payload', (cache: string) => { const b = readFileSync(cache); b[b.length - 64]! ^= 0xff; writeFileSync(cache, b); }, 'corrupt: the cache payload is damaged'],
    ['a truncated file', (cache: string) => writeFileSync(cache, readFileSync(cache).subarray(0, 100)), 'corrupt: '],
    ['garbage', (cache: string) => writeFileSync(cache, 'garbage'), 'corrupt: not a lambda-node code cache'],
  ])('with %s: runs from the bundle, one warning', async (_, damage, expected) => {
    const dir = copyOf(built[`cjs${node}`]!);
    damage(join(dir, '.lambda-node/index.js.cache'));
    const r = await run(dir);
    expect(r.kind).toBe('response');
    expect(r.body).toBe((await run(CJS)).body);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(`${WARN} ${dir}/index.js is not used (${expected}`);
    expect(r.warnings[0]).toMatch(/\tWARN\t.*; rebuild the function with lambda-node build$/);
    expect(r.debug[0]).toMatch(/^lambda-node: code cache corrupt: /);
  });

  it('after an edit of the bundle that keeps its length (V8 would take the cache): runs the edited code, says stale', async () => {
    const dir = copyOf(built[`esm${node}`]!);
    const file = join(dir, 'index.js');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('hello, ');
    writeFileSync(file, text.replace('hello, ', 'howdy, '));
    const r = await run(dir);
    expect(JSON.parse(r.body).greeting).toBe('howdy, cache');
    expect(r.warnings).toEqual([expect.stringContaining(`${WARN} ${file} is not used (stale: the source changed since the cache was made)`)]);
  });

  it(`with a cache made by Node ${other}: says which Node made it, runs from the bundle`, async () => {
    const dir = copyOf(built[`esm${node}`]!);
    copyFileSync(join(built[`esm${other}`]!.out, '.lambda-node/index.js.cache'), join(dir, '.lambda-node/index.js.cache'));
    // Same bundle text from both builds (only the target differs): the cache is what is foreign.
    const r = await run(dir);
    expect(r.kind).toBe('response');
    expect(r.warnings).toEqual([expect.stringContaining(`is not used (foreign: made by Node ${pinnedNode(other)} x64, this is ${pinnedNode(node)} x64)`)]);
  });

  it('under other V8 flags (NODE_OPTIONS=--expose-gc): V8 refuses the cache, the code runs the same, one warning without "rebuild"', async () => {
    const r = await run(built[`cjs${node}`]!.out, { env: { NODE_OPTIONS: '--expose-gc' } });
    expect(r.body).toBe((await run(CJS)).body);
    expect(r.debug).toEqual([expect.stringMatching(/^lambda-node: code cache rejected: .* \(V8 rejected it/)]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/is not used \(rejected: V8 rejected it: its flags differ from those the cache was made with \(NODE_OPTIONS\?/);
    expect(r.warnings[0]).not.toContain('rebuild');
  });

  it(`with another memory size than it was built for: ${node === 22 ? "Node 22's V8 refuses it (the heap flags follow the memory), and says so" : "Node 24's V8 takes it (heap flags are not among those it checks)"}`, async () => {
    const r = await run(built[`cjs${node}`]!.out, { env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' } });
    expect(r.body).toBe((await run(CJS, { env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' } })).body);
    if (node === 24) {
      expect(r.debug).toEqual([expect.stringMatching(/^lambda-node: code cache hit: /)]);
      expect(r.warnings).toEqual([]);
    } else {
      expect(r.warnings).toEqual([expect.stringContaining("or the function's memory: it was made for 1024 MB, and Node 22 counts the heap flags)")]);
    }
  });

  it('under --jitless (no WebAssembly for the hash, and V8 would refuse the cache): runs from the bundle', async () => {
    const r = await run(built[`esm${node}`]!.out, { env: { NODE_OPTIONS: '--jitless' } });
    expect(JSON.parse(r.body).greeting).toBe('hello, cache');
    expect(r.warnings).toEqual([expect.stringContaining('is not used (rejected: WebAssembly is off (--jitless)')]);
  });

  it('the built bundle is an ordinary module: aws-lambda-ric runs it and answers as for the unbuilt function', async () => {
    for (const [dir, b] of [[ESM, built[`esm${node}`]!], [CJS, built[`cjs${node}`]!]] as const) {
      const bodies: string[] = [];
      for (const taskRoot of [dir, b.out]) {
        const api = await FakeRuntimeApi.start();
        const rt = spawnRuntime({ kind: 'aws-lambda-ric', node, api: api.address, taskRoot, handler: 'index.handler' });
        try {
          const id = api.enqueue({ event });
          bodies.push((await api.result(id)).body.toString());
        } finally {
          await rt.kill();
          await api.close();
        }
      }
      expect(bodies[1]).toBe(bodies[0]);
    }
  });

  it('a dynamic import() left in the bundle resolves from the bundle, with no experimental warning in the logs', async () => {
    const b = build(join(BUILD_FIXTURES, 'dynamic-import'), ['--node', String(node), '--memory', '1024', '--copy', 'plugin.mjs', '--no-measure']);
    try {
      expect(cacheHeader(join(b.out, '.lambda-node/index.mjs.cache')).dynamicImport).toBe(true);
      const s = await start({ node, taskRoot: b.out, env: { LAMBDA_NODE_DEBUG: 'code-cache' } });
      expect((await invoke(s, { n: 1 })).json).toEqual({ value: 'from the plugin', event: { n: 1 } });
      expect((await invoke(s, { n: 2 })).json).toEqual({ value: 'from the plugin', event: { n: 2 } });
      expect(s.rt.stderr()).toMatch(/^lambda-node: code cache hit: /m);
      expect(s.rt.stdout() + s.rt.stderr()).not.toMatch(/ExperimentalWarning|USE_MAIN_CONTEXT_DEFAULT_LOADER/);
    } finally {
      b.remove();
    }
  });

  it('the cache header names the Node that made it and the module it belongs to', () => {
    expect(cacheHeader(join(built[`esm${node}`]!.out, '.lambda-node/index.js.cache'))).toMatchObject({ node: pinnedNode(node), arch: 'x64', kind: 'esm', made: 'init' });
    expect(cacheHeader(join(built[`cjs${node}`]!.out, '.lambda-node/index.js.cache'))).toMatchObject({
      node: pinnedNode(node),
      kind: 'cjs',
      exports: ['callback', 'fails', 'handler'],
    });
  });
});
