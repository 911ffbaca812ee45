// Bundling one handler module with esbuild, keeping what the official loader sees:
//  - the module's name (index.handler still names index) and its export names;
//  - CommonJS stays CommonJS (<name>.cjs): the official loader require()s or import()s it; the
//    names Node lists for it (cjs-module-lexer) are written into the bundle, so import() of the
//    bundle gives the same namespace as import() of the original;
//  - an ES module stays an ES module (<name>.mjs), top-level await included. The bundle is an
//    async function expression inside that file: classic scripts are what V8 can cache with
//    everything start-up compiled (src/code-cache/script.ts), and an async function's body takes
//    top-level await. The file itself is an ordinary ES module that calls the function and exports
//    its namespace's names, so it runs anywhere, with or without its cache.
// Which it is follows Node: .mjs/.mts are ES modules, .cjs/.cts CommonJS, .js/.ts what the nearest
// package.json "type" says or, without one, ES module syntax makes an ES module.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { Script } from 'node:vm';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { commonJsNames, lexerAnnotation } from './cjs-names.ts';

export type ModuleKind = 'cjs' | 'esm';

export interface BundleOptions {
  readonly nodeMajor: number;
  readonly external: readonly string[];
  readonly minify: boolean;
  readonly sourcemap: boolean;
  readonly mainFields: readonly string[];
}

export interface Bundle {
  readonly kind: ModuleKind;
  /** The file's name in the output directory (see build.ts outputName). */
  readonly fileName: string;
  readonly code: Buffer;
  readonly map?: Buffer;
  /** What the code cache header needs to find and run the cached script (src/code-cache/format.ts). */
  readonly header: { kind: ModuleKind; range?: [number, number]; line?: number; exports?: string[]; dynamicImport?: boolean };
  /** Why this bundle gets no code cache, if it cannot have one. */
  readonly noCache?: string;
  readonly inputs: { readonly files: number; readonly bytes: number };
  readonly warnings: string[];
}

const BUILTINS = new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])));

/** Node's rules for what a file is. */
export function moduleKind(entry: string, hasEsmSyntax: boolean): ModuleKind {
  const ext = extname(entry);
  if (ext === '.mjs' || ext === '.mts') return 'esm';
  if (ext === '.cjs' || ext === '.cts') return 'cjs';
  const type = packageType(dirname(entry));
  if (type === 'module') return 'esm';
  if (type === 'commonjs') return 'cjs';
  return hasEsmSyntax ? 'esm' : 'cjs';
}

function packageType(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pj = join(d, 'package.json');
    if (existsSync(pj)) {
      try {
        return JSON.parse(readFileSync(pj, 'utf8')).type;
      } catch {
        return undefined;
      }
    }
    if (basename(d) === 'node_modules' || dirname(d) === d) return undefined;
  }
}

async function hasEsmSyntax(entry: string): Promise<boolean> {
  const r = await build({ entryPoints: [entry], bundle: false, write: false, metafile: true, platform: 'node', logLevel: 'silent' });
  return Object.values(r.metafile.inputs).some((i) => i.format === 'esm');
}

function common(o: BundleOptions): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: `node${o.nodeMajor}`,
    mainFields: [...o.mainFields],
    external: [...o.external],
    minify: o.minify,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Kept ASCII (esbuild's default): byte offsets in the file are then character offsets.
    charset: 'ascii',
  };
}

/**
 * Inside the ES module's function there is no `import` statement to be had: builtins and packages
 * kept external are loaded as CommonJS (require(), which loads ES modules too on Node 22.12+),
 * a dynamic import() of a builtin as well.
 */
function requireExternals(external: readonly string[]): Plugin {
  const patterns = external.map((e) => new RegExp(`^${e.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  const isExternal = (path: string) => BUILTINS.has(path) || patterns.some((p) => p.test(path) || p.test(path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/')));
  return {
    name: 'lambda-node-require-externals',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isExternal(args.path)) return undefined;
        if (args.namespace === 'lambda-node-external') return { path: args.path, external: true };
        if (args.kind === 'require-call' || args.kind === 'require-resolve') return { path: args.path, external: true };
        return { path: args.path, namespace: 'lambda-node-external' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lambda-node-external' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    },
  };
}

function inputsOf(meta: Metafile): { files: number; bytes: number } {
  const real = Object.entries(meta.inputs).filter(([path]) => !path.startsWith('lambda-node-') && !path.includes(':'));
  return { files: real.length, bytes: real.reduce((n, [, i]) => n + i.bytes, 0) };
}

const hasDynamicImport = (code: string) => /\bimport\s*\(/.test(code);

/**
 * `outputFor` gives the output file's path for the kind of module the entry turns out to be
 * (source maps name the sources relative to it).
 */
export async function bundle(entry: string, outputFor: (kind: ModuleKind) => string, o: BundleOptions): Promise<Bundle> {
  const esmSyntax = await hasEsmSyntax(entry);
  const kind = moduleKind(entry, esmSyntax);
  return kind === 'cjs' ? bundleCommonJs(entry, outputFor(kind), o, esmSyntax) : bundleEsm(entry, outputFor(kind), o);
}

async function bundleCommonJs(entry: string, outfile: string, o: BundleOptions, esmSyntax: boolean): Promise<Bundle> {
  const fileName = basename(outfile);
  const r = await build({ ...common(o), entryPoints: [entry], format: 'cjs', outfile, sourcemap: o.sourcemap ? 'linked' : false, plugins: [requireExternals(o.external)] });
  const files = r.outputFiles ?? [];
  const js = files.find((f) => !f.path.endsWith('.map'));
  const map = files.find((f) => f.path.endsWith('.map'));
  if (!js) throw new Error('esbuild wrote no output');
  const names = await commonJsNames(entry, esmSyntax);
  const code = Buffer.from(js.text.replace(/(\/\/# sourceMappingURL=[^\n]*\n?)?$/, (m) => lexerAnnotation(names) + m));
  return {
    kind: 'cjs',
    fileName,
    code,
    map: map ? Buffer.from(map.contents) : undefined,
    header: { kind: 'cjs', exports: names, dynamicImport: hasDynamicImport(js.text) || undefined },
    inputs: inputsOf(r.metafile!),
    warnings: r.warnings.map((w) => w.text),
  };
}

async function bundleEsm(entry: string, outfile: string, o: BundleOptions): Promise<Bundle> {
  const fileName = basename(outfile);
  // The export names, from the entry bundled on its own.
  const named = await build({ ...common(o), entryPoints: [entry], format: 'esm', outdir: 'out', plugins: [requireExternals(o.external)] });
  const exportNames = Object.values(named.metafile!.outputs).flatMap((out) => out.exports ?? []);
  const r = await build({
    ...common(o),
    stdin: {
      contents: `import * as ns from ${JSON.stringify(entry)};\n__lambda_node_set(ns);\n`,
      resolveDir: dirname(entry),
      sourcefile: 'lambda-node-entry.mjs',
      loader: 'js',
    },
    format: 'esm',
    define: { 'import.meta': '__lambda_node_import_meta' },
    plugins: [requireExternals(o.external)],
    sourcemap: o.sourcemap ? 'external' : false,
    outfile,
  });
  const outputs = r.outputFiles ?? [];
  const body = outputs.find((f) => !f.path.endsWith('.map'))?.text;
  if (body === undefined) throw new Error('esbuild wrote no output');
  const rawMap = outputs.find((f) => f.path.endsWith('.map'));
  // Inside the function, so that the script compiled from the cache has it too.
  const file = esmFile(body, exportNames, entry, rawMap ? `//# sourceMappingURL=${fileName}.map\n` : '');
  let map: Buffer | undefined;
  if (rawMap) {
    // The bundle starts on the line after the function's first line: shift every mapping down.
    const json = JSON.parse(rawMap.text);
    json.mappings = ';'.repeat(file.line + 1) + json.mappings;
    map = Buffer.from(JSON.stringify(json));
  }
  const meta = [...body.matchAll(/__lambda_node_import_meta(\.[A-Za-z_$][\w$]*)?/g)].map((m) => m[1] ?? '');
  const unsupported = meta.filter((p) => !['.url', '.filename', '.dirname'].includes(p));
  let noCache: string | undefined;
  if (unsupported.length) noCache = `it uses import.meta${unsupported[0]} (a cached module gets import.meta.url, .filename and .dirname)`;
  try {
    new Script(file.code.toString('latin1', file.range[0], file.range[1]));
  } catch (err) {
    noCache = `the bundle does not compile as a function (${(err as Error).message})`;
  }
  return {
    kind: 'esm',
    fileName,
    code: file.code,
    map,
    header: { kind: 'esm', range: file.range, line: file.line, dynamicImport: hasDynamicImport(body) || undefined },
    noCache,
    inputs: inputsOf(r.metafile!),
    warnings: r.warnings.map((w) => w.text),
  };
}

/** The ES module file around the bundle's function; the function's byte range and first line. */
function esmFile(body: string, exportNames: readonly string[], entry: string, trailer: string): { code: Buffer; range: [number, number]; line: number } {
  const head =
    `// ${basename(entry)} bundled by lambda-node build: an ES module. The function below is the bundle; lambda-node\n` +
    `// runs it from its V8 code cache (.lambda-node/), any other runtime runs this file as it is.\n` +
    `import { createRequire as __lambda_node_createRequire } from "node:module";\n` +
    `const __lambda_node_run =\n`;
  const fn =
    `(async function (require, __lambda_node_import_meta) { "use strict"; let __lambda_node_ns; const __lambda_node_set = (ns) => { __lambda_node_ns = ns; };\n` +
    `${body}${body.endsWith('\n') ? '' : '\n'}return __lambda_node_ns;\n${trailer}})`;
  const locals = exportNames.map((_, i) => `__lambda_node_e${i}`);
  const tail =
    `;\nconst __lambda_node_ns = await __lambda_node_run(__lambda_node_createRequire(import.meta.url), import.meta);\n` +
    locals.map((l, i) => `const ${l} = __lambda_node_ns[${JSON.stringify(exportNames[i])}];\n`).join('') +
    (locals.length ? `export { ${locals.map((l, i) => `${l} as ${JSON.stringify(exportNames[i])}`).join(', ')} };\n` : 'export {};\n');
  const start = Buffer.byteLength(head);
  const code = Buffer.from(head + fn + tail);
  return { code, range: [start, start + Buffer.byteLength(fn)], line: head.split('\n').length - 1 };
}
