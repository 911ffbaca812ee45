// Spawn to first /next, and spawn to first response, for lambda-node and aws-lambda-ric on the
// same Node binary, interleaved, in one run. lambda-node starts through its staged bootstrap
// (sh + exec, as Lambda starts it); aws-lambda-ric is started as node directly (its fastest).
// Usage: node bench/startup.mjs [--runs N] [--node 24|22] [--json out.json]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, node: { type: 'string', default: '24' }, json: { type: 'string' } } });
const runs = Number(values.runs);
const major = Number(values.node);
const arch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
const nodeBin = join(ROOT, '.toolchain', `node${major}-${process.arch === 'arm64' ? 'arm64' : 'x64'}`, 'bin/node');
const taskRoot = join(ROOT, 'bench/functions/hello');

const runtimes = {
  'lambda-node': () => [join(ROOT, 'build/stage', `${arch}-node${major}`, 'bootstrap'), []],
  'aws-lambda-ric': () =>
    major >= 24
      ? [nodeBin, ['--expose-gc', '--max-http-header-size', '81920', join(ROOT, 'node_modules/aws-lambda-ric/index.mjs')]]
      : [nodeBin, ['--expose-gc', '--max-http-header-size', '81920', join(ROOT, 'test/fakes/ric3-main.mjs')]],
};

function once(name) {
  return new Promise((resolvePromise, reject) => {
    let t0 = 0n;
    let firstNext = 0;
    let child;
    const server = createServer((req, res) => {
      if (req.url.endsWith('/invocation/next')) {
        if (!firstNext) {
          firstNext = Number(process.hrtime.bigint() - t0) / 1e6;
          res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Runtime-Aws-Request-Id': 'r1', 'Lambda-Runtime-Deadline-Ms': String(Date.now() + 30000), 'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:1:function:f' });
          res.end('{}');
        }
        return; // park further /next calls
      }
      req.resume();
      req.on('end', () => {
        const firstResponse = Number(process.hrtime.bigint() - t0) / 1e6;
        res.writeHead(202).end();
        child.kill('SIGKILL');
        server.closeAllConnections();
        server.close();
        resolvePromise({ firstNext, firstResponse });
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const [cmd, args] = runtimes[name]();
      const env = {
        PATH: '/usr/bin:/bin', AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${server.address().port}`, _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: taskRoot,
        AWS_LAMBDA_FUNCTION_NAME: 'bench', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench', AWS_LAMBDA_LOG_STREAM_NAME: 'x',
        NODE_PATH: `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`,
        AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${major}.x`,
      };
      t0 = process.hrtime.bigint();
      child = spawn(cmd, args, { cwd: taskRoot, env, stdio: 'ignore' });
      child.on('error', reject);
    });
  });
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const results = Object.fromEntries(Object.keys(runtimes).map((k) => [k, { firstNext: [], firstResponse: [] }]));
for (const name of Object.keys(runtimes)) await once(name); // warm the page cache for both
for (let i = 0; i < runs; i++) {
  for (const name of i % 2 ? Object.keys(runtimes).reverse() : Object.keys(runtimes)) {
    const r = await once(name);
    results[name].firstNext.push(r.firstNext);
    results[name].firstResponse.push(r.firstResponse);
  }
}
const summary = {};
console.log(`Node ${major}, ${arch}, ${runs} interleaved runs each, hello handler (warm page cache)`);
console.log('metric                      lambda-node    aws-lambda-ric   ratio (ours/official)');
for (const metric of ['firstNext', 'firstResponse']) {
  for (const p of [50, 90]) {
    const ours = pct(results['lambda-node'][metric], p);
    const theirs = pct(results['aws-lambda-ric'][metric], p);
    const label = `${metric === 'firstNext' ? 'spawn to first /next' : 'spawn to first response'} p${p}`;
    summary[`${metric}_p${p}`] = { ours, official: theirs, ratio: ours / theirs };
    console.log(`${label.padEnd(28)}${ours.toFixed(1).padStart(8)} ms${theirs.toFixed(1).padStart(14)} ms${(ours / theirs).toFixed(2).padStart(14)}x`);
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ node: major, arch, runs, summary, raw: results }, null, 2));
