// dist/make-cache.cjs: makes a built function's code cache. It must run on the exact Node binary
// (version and architecture) that will use the cache, so `lambda-node build` runs it with that
// binary, as a separate process:
//
//   make-cache.cjs function <spec.json>
//       a built function's cache: runs the module's init as the runtime would (spec.run), then
//       caches what compiled; or, without running anything (spec.run false, or init failed in an
//       earlier attempt), compiles every function eagerly and caches that.
//   make-cache.cjs measure <file> [built]
//       prints how long loading the file's module took in this fresh process, in ms: import() of
//       the file, or (built) the runtime's own path through the code cache.
//
// Callers pass --random-seed to node: V8 seeds its string hashes from it, and with a fixed seed
// the same inputs give the same cache bytes. V8 leaves the seed out of the flag hash it checks a
// cache against.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { encodeCache, type CacheHeader } from './format.ts';
import { hashBytes } from './hash.ts';
import { compileUserScript, evaluateUserScript } from './script.ts';
import { loadBuilt } from '../handler/built.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

function deadline(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref());
}

export interface FunctionSpec {
  readonly file: string;
  /** The name the script is compiled under while the cache is made (see compileUserScript). */
  readonly name: string;
  readonly cache: string;
  /** Where the outcome goes (JSON): { made, bytes, keys?, error? }. */
  readonly result: string;
  readonly header: Pick<CacheHeader, 'kind' | 'range' | 'line' | 'exports' | 'dynamicImport' | 'memory'>;
  readonly run: boolean;
  readonly timeoutMs: number;
}

async function makeFunction(spec: FunctionSpec): Promise<void> {
  const source = readFileSync(spec.file);
  let data: Buffer | undefined;
  let made: 'init' | 'eager' = 'eager';
  let keys: string[] | undefined;
  let error: string | undefined;
  if (spec.run) {
    // The module's own failures during init are the result, not this process's.
    const failed = new Promise<never>((_, reject) => {
      process.on('uncaughtException', reject);
      process.on('unhandledRejection', reject);
    });
    try {
      const script = compileUserScript(spec.name, source, spec.header);
      const mod = await Promise.race([evaluateUserScript(script, spec.file, spec.header), failed, deadline(spec.timeoutMs, 'init')]);
      keys = mod && typeof mod === 'object' ? Object.keys(mod) : [];
      data = script.createCachedData();
      made = 'init';
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  } else {
    // Every function compiled now, not when first called; the flag is restored before the cache
    // is written, so the cache carries the usual flag hash.
    let script: ReturnType<typeof compileUserScript>;
    setFlagsFromString('--no-lazy');
    try {
      script = compileUserScript(spec.name, source, spec.header);
    } finally {
      setFlagsFromString('--lazy');
    }
    data = script.createCachedData();
  }
  if (data) {
    const header = { node: process.version, arch: process.arch, ...spec.header, source: { bytes: source.length, hash: hashBytes(source) }, made };
    writeFileSync(spec.cache, encodeCache(header, data), { mode: 0o644 });
  }
  writeFileSync(spec.result, JSON.stringify({ made: data ? made : undefined, bytes: data?.length, keys, error }));
}

async function measure(file: string, built: boolean): Promise<void> {
  const start = performance.now();
  let status = 'import';
  if (built) {
    const loading = loadBuilt(file, 'import', (r) => (status = r.status));
    if (!loading) throw new Error(`${file} has no code cache`);
    await loading;
  } else {
    await import(pathToFileURL(file).href);
  }
  out(JSON.stringify({ ms: performance.now() - start, status }));
}

async function main(argv: string[]): Promise<void> {
  const [mode, a, b] = argv;
  if (mode === 'function' && a) await makeFunction(JSON.parse(readFileSync(a, 'utf8')) as FunctionSpec);
  else if (mode === 'measure' && a) await measure(resolve(a), b === 'built');
  else throw new Error('usage: make-cache.cjs function <spec.json> | measure <file> [built]');
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`make-cache: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
