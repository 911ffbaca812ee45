// Measured, not shipped (bench/techniques/run.mjs): the layer's runtime.cjs run from a V8 code
// cache made when the layer is built, as a loader in front of it would. Checks as the runtime checks
// a built function's cache (src/code-cache/format.ts), then compiles runtime.cjs through vm.Script.
// Code compiled through vm has no import() of its own: the experimental loader option is used here,
// and its warning silenced by --no-warnings in this variant's bootstrap (a shipped loader could not).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, Script } from 'node:vm';
import { decodeCache } from '../../src/code-cache/format.ts';

declare const __dirname: string;
const file = `${__dirname}/runtime.cjs`;
let bytes: Buffer | undefined;
try {
  bytes = readFileSync(`${file}.cache`);
} catch {
  // no cache: Node's own loader
}
let data: Buffer | undefined;
const source = bytes && readFileSync(file);
try {
  if (bytes && source) data = decodeCache(bytes, source, ['cjs']).data;
} catch {
  // unusable cache: Node's own loader
}
if (!data || !source) {
  require(file);
} else {
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source.toString('utf8')}\n})`, {
    filename: file,
    lineOffset: -1,
    cachedData: data,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (process.env.LAMBDA_NODE_DEBUG) process.stderr.write(`runtime code cache ${script.cachedDataRejected ? 'rejected' : 'hit'}\n`);
  const mod = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, __dirname);
}
