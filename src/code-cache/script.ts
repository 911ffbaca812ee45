// The exact script text a built function's code cache belongs to, and how that script is compiled
// and run. `lambda-node build` (through make.ts) and the runtime share this module, so the text a
// cache is made from and the text it is used with cannot drift apart.
//
// V8 code caches belong to classic scripts (vm.Script), whose cache can be made after the code has
// run, and so holds every function start-up compiled; Node's own compile cache (NODE_COMPILE_CACHE)
// is made at compile time and holds only the top level, is keyed by path and user id, and written
// only at a clean exit. So:
//  - CommonJS: the file's text wrapped as Node wraps a module, the text starting on its own line so
//    that stack traces show the file's own lines;
//  - ES modules built by `lambda-node build`: the file holds the bundle as an async function
//    expression (top-level await works inside it), which is compiled on its own; the ES module
//    around it only calls it (see src/cli/bundle.ts).
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants, Script } from 'node:vm';
import type { CacheHeader } from './format.ts';

const CJS_PARAMS = 'exports, require, module, __filename, __dirname';

export type UserSpec = Pick<CacheHeader, 'kind' | 'range' | 'line' | 'dynamicImport'>;

/** The script text for a built function's file, and its line offset. */
export function userScriptText(source: Buffer, spec: UserSpec): { text: string; lineOffset: number } {
  if (spec.kind === 'esm') {
    const [start, end] = spec.range ?? [0, 0];
    if (!(end > start && end <= source.length)) throw new Error('the header gives no valid range');
    return { text: source.toString('utf8', start, end), lineOffset: spec.line ?? 0 };
  }
  return { text: `(function (${CJS_PARAMS}) {\n${source.toString('utf8')}\n})`, lineOffset: -1 };
}

/**
 * `file` names the script in stack traces (an ES module by its file: URL, as Node names one). A
 * cache records the name it was made under (V8 puts the user's own back when it reads one), so
 * caches are made under a fixed name: the same bytes from any build directory.
 */
export function compileUserScript(file: string, source: Buffer, spec: UserSpec, cachedData?: Buffer): Script {
  const { text, lineOffset } = userScriptText(source, spec);
  const filename = spec.kind === 'esm' ? pathToFileURL(file).href : file;
  if (!spec.dynamicImport) return new Script(text, { filename, lineOffset, cachedData });
  // Code compiled through vm gets import() only from this option, which Node 22 and 24 mark
  // experimental and warn about on first use. The warning is the only difference from a module Node
  // loaded itself, so it is taken here, once, before the user's code can run.
  const script = new Script(text, { filename, lineOffset, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  swallowLoaderWarning();
  return script;
}

/**
 * Runs a built function's code as its module's init: CommonJS as Node runs a module (the result is
 * module.exports), an ES module's bundle function (the result is its namespace, after any
 * top-level await).
 */
export async function evaluateUserScript(script: Script, file: string, spec: UserSpec): Promise<unknown> {
  const fn = script.runInThisContext() as (...args: unknown[]) => unknown;
  const require = createRequire(file);
  if (spec.kind === 'esm') {
    const meta = { url: pathToFileURL(file).href, filename: file, dirname: dirname(file) };
    return await fn(require, meta);
  }
  const mod = newModule(file);
  fn.call(mod.exports, mod.exports, require, mod, file, dirname(file));
  mod.loaded = true;
  return mod.exports;
}

/**
 * What import() gives for a CommonJS module on this Node: `default` (module.exports), the names
 * cjs-module-lexer finds, and on Node 23+ 'module.exports'. The names were found when it was built.
 */
export function commonJsNamespace(exports: unknown, names: readonly string[]): Record<string, unknown> {
  const ns: Record<string, unknown> = Object.create(null);
  const source = exports as Record<string, unknown> | null | undefined;
  for (const name of names) if (name !== 'default') ns[name] = source == null ? undefined : source[name];
  ns.default = exports;
  if (Number(process.versions.node.split('.')[0]) >= 23) ns['module.exports'] = exports;
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  return Object.freeze(ns);
}

/** A Module for a file, in require.cache, so that require(file) elsewhere returns the same one. */
function newModule(file: string): Module {
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const cache = createRequire(file).cache;
  if (!cache[file]) cache[file] = mod;
  return mod;
}

let warningTaken = false;
function swallowLoaderWarning(): void {
  if (warningTaken) return;
  warningTaken = true;
  const emit = process.emitWarning;
  process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
    if (String((warning as Error)?.message ?? warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    // Node warns when the option is first used by an import(): one import of a builtin now.
    const probe = new Script('import("node:path")', { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    (probe.runInThisContext() as Promise<unknown>).catch(() => undefined);
  } finally {
    process.emitWarning = emit;
  }
}
