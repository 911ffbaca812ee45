// Measured, not shipped (bench/techniques/run.mjs): the runtime's V8 code cache, made by running
// runtime.cjs in this process through init and one invoke of a hello handler against a Runtime API
// of its own, then caching every function that compiled. Run by the Node that will use the cache.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { constants, Script } from 'node:vm';
import { encodeCache } from '../../src/code-cache/format.ts';
import { hashBytes } from '../../src/code-cache/hash.ts';

const file = process.argv[2] as string;
const source = readFileSync(file);
const task = mkdtempSync(join(tmpdir(), 'lambda-node-runtime-cache-'));
writeFileSync(join(task, 'index.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
let script: Script;
let served = 0;
const server = createServer((req, res) => {
  req.resume();
  if (req.url?.endsWith('/next')) {
    if (served++) return;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Runtime-Aws-Request-Id': 'cache-1', 'Lambda-Runtime-Deadline-Ms': String(Date.now() + 60_000), 'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:123456789012:function:cache' });
    res.end('{}');
    return;
  }
  req.on('end', () => {
    res.writeHead(202).end('{}');
    setTimeout(() => {
      const header = { node: process.version, arch: process.arch, kind: 'cjs' as const, source: { bytes: source.length, hash: hashBytes(source) } };
      writeFileSync(`${file}.cache`, encodeCache(header, script.createCachedData()));
      process.exit(0);
    }, 50);
  });
});
server.listen(0, '127.0.0.1', () => {
  Object.assign(process.env, { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${(server.address() as { port: number }).port}`, _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: task, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' });
  // Made under a fixed name: the cache records it, and the same bytes come from any directory.
  script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source.toString('utf8')}\n})`, { filename: '/opt/lambda-node/runtime.cjs', lineOffset: -1, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const mod = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
});
