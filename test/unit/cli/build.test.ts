// `lambda-node build` as a user runs it (dist/cli.mjs): what it writes, what it refuses, and that
// the modules it writes keep what the official loader sees (kind, file name, export names).
// Running them is in test/unit/behaviour/code-cache.test.ts and test/rie/build-step.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, BUILD_FIXTURES, cacheHeader, pinnedNode, runBuild, type Built } from '../../fakes/build-step.ts';
import { nodeBinary, type NodeMajor } from '../../fakes/spawn-runtime.ts';
import { invoke, start } from '../behaviour/harness.ts';

const fixture = (name: string) => join(BUILD_FIXTURES, name);
const made: Built[] = [];
const keep = (b: Built) => (made.push(b), b);
afterAll(() => made.forEach((b) => b.remove()));

/** Every file under dir (relative), sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : out.push(relative(dir, join(d, e.name)));
  };
  walk(dir);
  return out.sort();
}

describe('lambda-node build', () => {
  it('ES module with top-level await: keeps index.js (with package.json type=module), writes its cache, reports what it saved', () => {
    const b = keep(build(fixture('esm-tla')));
    expect(files(b.out)).toEqual(['.lambda-node/build.json', '.lambda-node/index.js.cache', 'index.js', 'package.json']);
    expect(JSON.parse(readFileSync(join(b.out, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    const header = cacheHeader(join(b.out, '.lambda-node/index.js.cache'));
    expect(header).toMatchObject({ node: pinnedNode(24), arch: 'x64', kind: 'esm', made: 'init' });
    // The cached script is the function expression the file calls, starting a line of its own.
    const code = readFileSync(join(b.out, 'index.js'));
    const [start, end] = header.range;
    expect(code.toString('latin1', start, start + 16)).toBe('(async function ');
    expect(code.toString('latin1', end - 2, end)).toBe('})');
    expect(code.toString('latin1', 0, start).split('\n').length - 1).toBe(header.line);
    expect(code.toString()).toMatch(/^export \{ __lambda_node_e0 as "default", __lambda_node_e1 as "fails", __lambda_node_e2 as "handler" \};$/m);
    expect(b.stdout).toMatch(/index\.handler: index\.js -> index\.js \(ES module\)\n {4}bundled 3 files \([\d.]+ KB\) into one \([\d.]+ KB\)\n {4}code cache [\d.]+ KB, made after running init\n {4}module load in a fresh process \(median of 5\): [\d.]+ ms unbuilt -> [\d.]+ ms built/);
    expect(JSON.parse(readFileSync(join(b.out, '.lambda-node/build.json'), 'utf8'))).toMatchObject({ node: pinnedNode(24), arch: 'x86_64', handlers: [{ handlers: ['index.handler'], entry: 'index.js', output: 'index.js', kind: 'esm' }] });
  });

  it.each([24, 22] as NodeMajor[])('CommonJS on Node %i: the names in the cache header are those Node\'s import() lists for the original, and import() of the bundle lists them too', (node) => {
    const b = keep(build(fixture('cjs'), ['--node', String(node), '--no-measure']));
    expect(files(b.out)).toEqual(['.lambda-node/build.json', '.lambda-node/index.js.cache', 'index.js', 'package.json']);
    const keys = (file: string) =>
      JSON.parse(execFileSync(nodeBinary(node), ['--input-type=module', '-e', `const ns = await import(${JSON.stringify(file)}); console.log(JSON.stringify(Object.keys(ns).sort()))`], { encoding: 'utf8' }));
    const original = keys(join(fixture('cjs'), 'index.js'));
    expect(original).toContain('handler');
    expect(cacheHeader(join(b.out, '.lambda-node/index.js.cache')).exports).toEqual(original.filter((k: string) => k !== 'default' && k !== 'module.exports'));
    expect(keys(join(b.out, 'index.js'))).toEqual(original);
  });

  it('TypeScript: an ES module .ts becomes index.mjs, a .cts handler.cjs; both run', async () => {
    const esm = keep(build(fixture('ts-esm'), ['--no-measure']));
    expect(files(esm.out)).toEqual(['.lambda-node/build.json', '.lambda-node/index.mjs.cache', 'index.mjs']);
    const cts = keep(build(fixture('cts'), ['--handler', 'handler.handler', '--no-measure']));
    expect(files(cts.out)).toEqual(['.lambda-node/build.json', '.lambda-node/handler.cjs.cache', 'handler.cjs']);
    expect(cacheHeader(join(cts.out, '.lambda-node/handler.cjs.cache'))).toMatchObject({ kind: 'cjs', exports: ['handler'] });
    for (const [b, handler, event, expected] of [
      [esm, 'index.handler', { words: ['a', 'b'] }, { out: ['A!', 'B!'], prefix: 'ts' }],
      [cts, 'handler.handler', { v: 1 }, { v: 2, ext: '.cts' }],
    ] as const) {
      const s = await start({ node: 24, taskRoot: b.out, handler, env: { LAMBDA_NODE_DEBUG: 'code-cache' } });
      expect((await invoke(s, event)).json).toEqual(expected);
      expect(s.rt.stderr()).toMatch(/^lambda-node: code cache hit: /m);
    }
  });

  it('bundles a module once for all the handlers it exports', () => {
    const b = keep(build(fixture('esm-tla'), ['--handler', 'index.handler', '--handler', 'index.fails', '--no-measure']));
    expect(files(b.out)).toEqual(['.lambda-node/build.json', '.lambda-node/index.js.cache', 'index.js', 'package.json']);
    expect(b.stdout).toContain('index.handler, index.fails: index.js -> index.js (ES module)');
  });

  it('is reproducible: the same inputs give the same bytes, cache included', () => {
    const a = keep(build(fixture('esm-tla'), ['--no-measure']));
    const b = keep(build(fixture('esm-tla'), ['--no-measure']));
    const read = (dir: string) => files(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]);
    expect(read(b.out)).toEqual(read(a.out));
  });

  it('an init that fails at build time still gets a cache (every function compiled), and the report says why', () => {
    const b = keep(build(fixture('init-error'), ['--no-measure']));
    expect(cacheHeader(join(b.out, '.lambda-node/index.mjs.cache'))).toMatchObject({ kind: 'esm', made: 'eager' });
    expect(b.stdout).toContain('code cache');
    expect(b.stdout).toContain('every function compiled, nothing run');
    expect(b.stdout).toContain('init failed at build time (ConfigError: TABLE_NAME is not set)');
  });

  it('--no-run makes the cache without running the module (and V8 takes it); --no-cache writes none', async () => {
    const eager = keep(build(fixture('esm-tla'), ['--no-run']));
    expect(cacheHeader(join(eager.out, '.lambda-node/index.js.cache')).made).toBe('eager');
    expect(eager.stdout).not.toContain('module load');
    const s = await start({ node: 24, taskRoot: eager.out, env: { LAMBDA_NODE_DEBUG: 'code-cache' } });
    expect((await invoke(s, { name: 'eager' })).json).toMatchObject({ greeting: 'hello, eager' });
    expect(s.rt.stderr()).toMatch(/^lambda-node: code cache hit: .*\(\d+ bytes, made eager\)$/m);
    const none = keep(build(fixture('esm-tla'), ['--no-cache']));
    expect(files(none.out)).toEqual(['.lambda-node/build.json', 'index.js', 'package.json']);
    expect(none.stdout).toContain('no code cache: --no-cache');
  });

  it('--external leaves a package out (loaded with require at run time, here copied with --copy)', async () => {
    const b = keep(build(fixture('external'), ['--external', 'greeter', '--copy', 'node_modules', '--no-measure']));
    expect(files(b.out)).toContain('node_modules/greeter/index.js');
    const code = readFileSync(join(b.out, 'index.mjs'), 'utf8');
    expect(code).toContain('require("greeter")');
    expect(code).not.toContain('hi ${name}');
    const s = await start({ node: 24, taskRoot: b.out, handler: 'index.handler' });
    expect((await invoke(s, { name: 'ext' })).json).toEqual({ message: 'hi ext!' });
  });

  it('--sourcemap writes a map the unbuilt stack lines can be found with', () => {
    const b = keep(build(fixture('esm-tla'), ['--sourcemap', '--no-measure']));
    const map = JSON.parse(readFileSync(join(b.out, 'index.js.map'), 'utf8'));
    expect(map.sources.some((s: string) => s.endsWith('build-step/esm-tla/index.js'))).toBe(true);
    const trace = execFileSync(nodeBinary(24), ['--enable-source-maps', '--input-type=module', '-e', `const m = await import(${JSON.stringify(join(b.out, 'index.js'))}); try { await m.fails({ id: 1 }); } catch (e) { console.log(e.stack.split('\\n')[1]); }`], { encoding: 'utf8' });
    expect(trace).toMatch(/build-step\/esm-tla\/index\.js:20:15\)$/m);
  });

  it('refuses: an unknown handler module, a directory it did not write, bad options', () => {
    const bad = runBuild(fixture('esm-tla'), ['--handler', 'nope.handler']);
    made.push(bad);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^lambda-node build: --handler nope\.handler: no .*nope\{\.js,\.mjs,\.cjs,\.ts,\.mts,\.cts\} file$/m);

    const dir = mkdtempSync(join(tmpdir(), 'lambda-node-out-'));
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'precious.txt'), 'keep me');
    const refused = runBuild(fixture('esm-tla'), ['--no-measure'], out);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('is not empty and was not written by lambda-node build');
    expect(readFileSync(join(out, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(runBuild(fixture('esm-tla'), ['--no-measure', '--force'], out).status).toBe(0);
    expect(existsSync(join(out, 'precious.txt'))).toBe(false);
    // Its own output it replaces without --force.
    expect(runBuild(fixture('esm-tla'), ['--no-measure'], out).status).toBe(0);
    rmSync(dir, { recursive: true, force: true });

    for (const [args, message] of [
      [['--node', '20'], '--node 20: 24 or 22'],
      [['--memory', '64'], '--memory 64: whole MB from 128 to 10240'],
      [['--env', 'NOVALUE'], '--env NOVALUE: KEY=VALUE'],
    ] as const) {
      const r = runBuild(fixture('esm-tla'), [...args]);
      made.push(r);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(message);
    }
  });
});
