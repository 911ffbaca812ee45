// Handler loading as lambda-node's own contract: every _HANDLER form, init once, layer packages
// on NODE_PATH for require AND import, the environment the bootstrap completes, heap flags.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { NODE_MAJORS } from '../../fakes/spawn-runtime.ts';
import { invoke, start, taskDir, writeFiles } from './harness.ts';

const MANAGED_NODE_PATH = (major: number) =>
  `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`;

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('init runs once: module state is reused across invocations, the module is imported once', async () => {
    const s = await start({
      node,
      files: {
        'index.js': `
          globalThis.__imports = (globalThis.__imports || 0) + 1;
          console.log('MODULE LOADED');
          let count = 0;
          exports.handler = async () => ({ count: ++count, imports: globalThis.__imports });
        `,
      },
    });
    for (let i = 1; i <= 4; i++) expect((await invoke(s)).json).toEqual({ count: i, imports: 1 });
    expect(await s.waitLines('MODULE LOADED')).toHaveLength(1);
    expect(s.requestsTo('/2018-06-01/runtime/init/error')).toHaveLength(0);
  });

  it.each<[string, string, Record<string, string>, unknown]>([
    [
      'nested dirs and a nested export path',
      'dir/sub/mod.deep.inner.fn',
      { 'dir/sub/mod.js': `exports.deep = { inner: { fn: async (e) => ({ nested: e.v }) } };` },
      { nested: 7 },
    ],
    ['.cjs', 'app.handler', { 'app.cjs': `module.exports.handler = async (e) => ({ cjs: e.v, require: typeof require });` }, { cjs: 7, require: 'function' }],
    ['.mjs', 'app.handler', { 'app.mjs': `export const handler = async (e) => ({ mjs: e.v, esm: typeof require === 'undefined' });` }, { mjs: 7, esm: true }],
    [
      '.js with package.json type=module',
      'app.handler',
      { 'package.json': '{"type":"module"}', 'app.js': `export const handler = async (e) => ({ esm: e.v, esm2: typeof require === 'undefined' });` },
      { esm: 7, esm2: true },
    ],
    [
      '.js without package.json (CommonJS)',
      'app.handler',
      { 'app.js': `exports.handler = async (e) => ({ cjs: e.v, module: typeof module });` },
      { cjs: 7, module: 'object' },
    ],
    [
      'top-level await',
      'app.handler',
      {
        'app.mjs': `
          const started = Date.now();
          const value = await new Promise((r) => setTimeout(() => r('awaited'), 150));
          const waited = Date.now() - started;
          export const handler = async (e) => ({ value, waitedAtLeast150: waited >= 140, v: e.v });
        `,
      },
      { value: 'awaited', waitedAtLeast150: true, v: 7 },
    ],
  ])('_HANDLER form: %s', async (_what, handler, files, expected) => {
    const s = await start({ node, handler, files });
    const res = await invoke(s, { v: 7 });
    expect(res.kind, s.rt.stdout()).toBe('response');
    expect(res.json).toEqual(expected);
  });

  describe('layer packages on NODE_PATH', () => {
    /** <tmp>/opt/nodejs/node_modules with a CommonJS and an ES-module-only package. */
    function layer(): string {
      const opt = taskDir({
        'nodejs/node_modules/layer-cjs/package.json': '{"name":"layer-cjs","version":"1.0.0","main":"main.js"}',
        'nodejs/node_modules/layer-cjs/main.js': `exports.where = 'layer-cjs';`,
        'nodejs/node_modules/layer-esm/package.json':
          '{"name":"layer-esm","version":"1.0.0","type":"module","exports":{".":{"import":"./index.js","default":"./index.js"},"./sub":"./sub.js"}}',
        'nodejs/node_modules/layer-esm/index.js': `export const where = 'layer-esm';`,
        'nodejs/node_modules/layer-esm/sub.js': `export const where = 'layer-esm/sub';`,
      });
      return join(opt, 'nodejs/node_modules');
    }

    it('an ES module handler imports them (static and dynamic, with subpath exports)', async () => {
      const modules = layer();
      const s = await start({
        node,
        handler: 'index.handler',
        env: { NODE_PATH: `/nonexistent/node_modules:${modules}` },
        files: {
          'index.mjs': `
            import cjs from 'layer-cjs';
            import { where } from 'layer-esm';
            import { where as sub } from 'layer-esm/sub';
            export const handler = async () => {
              const dyn = await import('layer-esm');
              return [cjs.where, where, sub, dyn.where];
            };
          `,
        },
      });
      const res = await invoke(s);
      expect(res.kind, s.rt.stdout() + s.rt.stderr()).toBe('response');
      expect(res.json).toEqual(['layer-cjs', 'layer-esm', 'layer-esm/sub', 'layer-esm']);
    });

    it('a CommonJS handler requires them, and import() from CommonJS finds them too', async () => {
      const modules = layer();
      const s = await start({
        node,
        env: { NODE_PATH: modules },
        files: {
          'index.js': `
            const cjs = require('layer-cjs');
            exports.handler = async () => [cjs.where, (await import('layer-esm')).where, require.resolve('layer-cjs')];
          `,
        },
      });
      const res = await invoke(s);
      expect(res.kind, s.rt.stdout() + s.rt.stderr()).toBe('response');
      expect(res.json).toEqual(['layer-cjs', 'layer-esm', join(modules, 'layer-cjs/main.js')]);
    });

    it('the task root node_modules still wins over a layer package of the same name', async () => {
      const modules = layer();
      const root = taskDir({ 'index.mjs': `import { where } from 'layer-esm'; export const handler = async () => where;` });
      writeFiles(root, {
        'node_modules/layer-esm/package.json': '{"name":"layer-esm","type":"module","exports":"./own.js"}',
        'node_modules/layer-esm/own.js': `export const where = 'task-root';`,
      });
      const s = await start({ node, taskRoot: root, env: { NODE_PATH: modules } });
      expect((await invoke(s)).json).toBe('task-root');
    });

    it('a bare specifier found nowhere still fails with ERR_MODULE_NOT_FOUND at init', async () => {
      const s = await start({
        node,
        env: { NODE_PATH: layer() },
        files: { 'index.mjs': `import 'no-such-package-anywhere'; export const handler = async () => 1;` },
      });
      const init = await s.api.initError();
      const body = JSON.parse(init.body.toString());
      expect(body.errorMessage).toMatch(/Cannot find package 'no-such-package-anywhere'/);
    });
  });

  describe('environment completed by the runtime', () => {
    const probe = {
      'index.js': `
        exports.handler = async () => ({
          NODE_PATH: process.env.NODE_PATH,
          AWS_EXECUTION_ENV: process.env.AWS_EXECUTION_ENV,
          globalPaths: require('module').globalPaths,
          execArgv: process.execArgv,
          gc: typeof globalThis.gc,
          collects: (() => {
            // A real collection: memory held only by garbage comes back.
            let junk = Array.from({ length: 200000 }, (_, i) => ({ i, s: 'x' + i }));
            const before = process.memoryUsage().heapUsed;
            junk = null;
            globalThis.gc();
            return before - process.memoryUsage().heapUsed > 5_000_000;
          })(),
        });
      `,
    };

    it('NODE_PATH and AWS_EXECUTION_ENV unset: the managed values, and Node started with that NODE_PATH', async () => {
      const s = await start({ node, files: probe, env: { NODE_PATH: undefined, AWS_EXECUTION_ENV: undefined } });
      const r = (await invoke(s)).json as Record<string, unknown>;
      expect(r.NODE_PATH).toBe(MANAGED_NODE_PATH(node));
      expect(r.AWS_EXECUTION_ENV).toBe(`AWS_Lambda_nodejs${node}.x`);
      // CommonJS reads NODE_PATH once, at process start: it must have been there already.
      expect(r.globalPaths).toEqual(expect.arrayContaining(MANAGED_NODE_PATH(node).split(':')));
    });

    it('user-set NODE_PATH and AWS_EXECUTION_ENV are kept', async () => {
      const s = await start({ node, files: probe, env: { NODE_PATH: '/my/libs', AWS_EXECUTION_ENV: 'MyExecEnv' } });
      const r = (await invoke(s)).json as Record<string, unknown>;
      expect(r.NODE_PATH).toBe('/my/libs');
      expect(r.AWS_EXECUTION_ENV).toBe('MyExecEnv');
      expect(r.globalPaths).toContain('/my/libs');
      expect(r.globalPaths).not.toContain('/opt/nodejs/node_modules');
    });

    it.each([
      ['1024', 51, 922],
      ['128', 6, 116],
      ['10240', 512, 9216],
    ])('AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%s: --max-semi-space-size=%i --max-old-space-size=%i', async (memory, semi, old) => {
      const s = await start({ node, files: probe, env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory } });
      const r = (await invoke(s)).json as Record<string, unknown>;
      // The managed runtime's --expose-gc is left off the command line (it costs every cold start
      // ~5 ms): globalThis.gc is provided lazily instead, and collects.
      expect(r.execArgv).toEqual(['--max-http-header-size', '81920', `--max-semi-space-size=${semi}`, `--max-old-space-size=${old}`]);
      expect(r.gc).toBe('function');
      expect(r.collects).toBe(true);
    });

    it('no (or a non-numeric) memory size: no heap flags', async () => {
      for (const memory of [undefined, '12x']) {
        const s = await start({ node, files: probe, env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory } });
        const r = (await invoke(s)).json as Record<string, unknown>;
        expect(r.execArgv).toEqual(['--max-http-header-size', '81920']);
      }
    });

    it('NODE_OPTIONS=--expose-gc: the native gc is kept, and collects', async () => {
      const s = await start({ node, files: probe, env: { NODE_OPTIONS: '--expose-gc' } });
      const r = (await invoke(s)).json as Record<string, unknown>;
      expect(r.gc).toBe('function');
      expect(r.collects).toBe(true);
    });
  });
});
