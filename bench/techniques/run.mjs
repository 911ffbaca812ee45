// Each cold-start technique's share, side by side with aws-lambda-ric, interleaved, one process per
// run. Two of the techniques are built here only to be measured (bench/README.md says why neither
// ships): a V8 code cache of the runtime itself behind a small loader (boot.ts, made by
// make-runtime-cache.ts), and a startup snapshot of the runtime (node --build-snapshot). The third
// is lambda-node build, run on the workload's function.
//
//   node bench/techniques/run.mjs [--node 24|22] [--runs 20] [--workloads hello,sdk,middy]
//                                 [--cold-page-cache]
//
// --cold-page-cache drops the page cache before every spawn (sync; echo 3 > drop_caches: root only,
// and it slows the whole machine for a moment). Prints first /next and first response p50 per
// variant, and the ratio to aws-lambda-ric on the unbuilt function.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { nextReply, now, startRuntimeApi } from '../lib/runtime-api.mjs';
import { command, EVENTS, functionDir, lambdaEnv, MEMORY_MB, ROOT, stageDir } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    node: { type: 'string', default: '24' },
    runs: { type: 'string', default: '20' },
    workloads: { type: 'string', default: 'hello,sdk,middy' },
    'cold-page-cache': { type: 'boolean', default: false },
  },
});
const major = Number(values.node);
const runs = Number(values.runs);
const workloads = values.workloads.split(',');
const dropCaches = values['cold-page-cache'];
const log = (s) => process.stderr.write(`${s}\n`);
const WORK = join(ROOT, 'build/bench/techniques', `node${major}`);
const stage = stageDir(major);
if (!existsSync(join(stage, 'bootstrap'))) throw new Error(`${stage} is missing: run make stage NODE_MAJOR=${major}`);

/** A copy of the staged layer whose bootstrap runs `entry` (arguments for node) instead of runtime.cjs. */
function variant(name, entry) {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'lambda-node'));
  try {
    linkSync(join(stage, 'bin/node'), join(dir, 'bin/node'));
  } catch {
    copyFileSync(join(stage, 'bin/node'), join(dir, 'bin/node'));
  }
  copyFileSync(join(stage, 'lambda-node/runtime.cjs'), join(dir, 'lambda-node/runtime.cjs'));
  const boot = readFileSync(join(stage, 'bootstrap'), 'utf8');
  const changed = boot.replaceAll('"$dir/lambda-node/runtime.cjs"', entry);
  if (changed.split(entry).length !== 3) throw new Error('the bootstrap no longer execs "$dir/lambda-node/runtime.cjs" twice: update bench/techniques/run.mjs');
  writeFileSync(join(dir, 'bootstrap'), changed, { mode: 0o755 });
  return dir;
}

async function runtimeCacheVariant() {
  const dir = variant('runtime-cache', '--no-warnings "$dir/lambda-node/boot.cjs"');
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', logLevel: 'warning' };
  await build({ ...common, entryPoints: [join(import.meta.dirname, 'boot.ts')], outfile: join(dir, 'lambda-node/boot.cjs'), minify: true });
  const maker = join(WORK, 'make-runtime-cache.cjs');
  await build({ ...common, entryPoints: [join(import.meta.dirname, 'make-runtime-cache.ts')], outfile: maker });
  execFileSync(join(dir, 'bin/node'), ['--random-seed=42', maker, join(dir, 'lambda-node/runtime.cjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

function snapshotVariant() {
  const dir = variant('snapshot', '--no-warnings --snapshot-blob "$dir/lambda-node/snap.blob"');
  const runtime = readFileSync(join(dir, 'lambda-node/runtime.cjs'), 'utf8');
  // The bundle ends by calling main: deferred to the snapshot's deserialize function. Inside a
  // snapshot, import() needs a function compiled after deserialization with the loader option.
  const main = /([A-Za-z_$][\w$]*)\(\);\s*$/.exec(runtime);
  const imports = runtime.match(/\bimport\(([A-Za-z_$][\w$]*)\)/g) ?? [];
  if (!main || imports.length !== 1) throw new Error('runtime.cjs no longer ends with main() or has not exactly one import(): update bench/techniques/run.mjs');
  const entry =
    runtime.slice(0, main.index).replace(/\bimport\(([A-Za-z_$][\w$]*)\)/, 'globalThis.__lnImport($1)') +
    `globalThis.__lnMain=${main[1]};\n` +
    "require('v8').startupSnapshot.setDeserializeMainFunction(() => { const vm = require('vm'); " +
    "globalThis.__lnImport = vm.runInThisContext('(p) => import(p)', { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }); globalThis.__lnMain(); });\n";
  writeFileSync(join(dir, 'lambda-node/entry.cjs'), entry);
  execFileSync(join(dir, 'bin/node'), ['--snapshot-blob', 'snap.blob', '--build-snapshot', 'entry.cjs'], { cwd: join(dir, 'lambda-node'), stdio: ['ignore', 'ignore', 'ignore'] });
  return dir;
}

function built(fn) {
  const out = join(WORK, `${fn}-built`);
  execFileSync(process.execPath, [join(ROOT, 'dist/cli.mjs'), 'build', functionDir(fn, major), '--out', out, '--node', String(major), '--memory', String(MEMORY_MB), '--force', '--no-measure'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

async function cold(v) {
  let t0 = 0;
  let firstNext = 0;
  let settle;
  const result = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const api = await startRuntimeApi({
    onNext(reply) {
      if (firstNext) return;
      firstNext = now() - t0;
      reply(nextReply('cold-1', EVENTS[v.fn]));
    },
    onResponse: (_id, t) => settle.resolve({ firstNext, firstResponse: t - t0 }),
    onError: (path, body) => settle.reject(new Error(`${v.name}: ${path}: ${body}`)),
  });
  const env = { ...lambdaEnv(major, v.fn, api.address), ...(v.taskRoot ? { LAMBDA_TASK_ROOT: v.taskRoot } : {}) };
  if (dropCaches) {
    execFileSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3');
  }
  t0 = now();
  const child = spawn(v.cmd, v.args, { cwd: env.LAMBDA_TASK_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((r) => child.once('close', r));
  exited.then((code) => settle.reject(new Error(`${v.name} exited (${code}):\n${stderr}`)));
  try {
    return await result;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    await api.close();
  }
}

const ric = command('aws-lambda-ric', major);
const ours = command('lambda-node', major);
log(`building the variants in ${WORK}`);
mkdirSync(WORK, { recursive: true });
const cacheDir = await runtimeCacheVariant();
const snapDir = snapshotVariant();
const variants = [];
for (const fn of workloads) {
  variants.push({ fn, name: 'aws-lambda-ric', cmd: ric[0], args: ric[1], base: true });
  variants.push({ fn, name: 'lambda-node', cmd: ours[0], args: ours[1] });
  variants.push({ fn, name: '+ runtime code cache', cmd: join(cacheDir, 'bootstrap'), args: [] });
  variants.push({ fn, name: '+ startup snapshot', cmd: join(snapDir, 'bootstrap'), args: [] });
  if (fn !== 'hello') {
    const out = built(fn);
    variants.push({ fn, name: 'aws-lambda-ric, built files', cmd: ric[0], args: ric[1], taskRoot: out });
    variants.push({ fn, name: 'lambda-node build', cmd: ours[0], args: ours[1], taskRoot: out });
  }
}

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
log(`Node ${major}, ${runs} runs per variant, ${dropCaches ? 'cold' : 'warm'} page cache, load at start ${load}`);
const samples = new Map(variants.map((v) => [v, { next: [], response: [] }]));
if (!dropCaches) for (const v of variants) await cold(v); // warm the page cache, discarded
for (let i = 0; i < runs; i++) {
  for (const v of i % 2 ? [...variants].reverse() : variants) {
    const r = await cold(v);
    samples.get(v).next.push(r.firstNext);
    samples.get(v).response.push(r.firstResponse);
  }
}
const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [`Node ${major}, ${runs} interleaved runs per variant, ${dropCaches ? 'cold' : 'warm'} page cache, load at start ${load}`, ''];
lines.push(`${'workload'.padEnd(9)}${'variant'.padEnd(30)}${'first /next p50'.padStart(17)}${'first response p50'.padStart(20)}${'ratio'.padStart(8)}`);
for (const fn of workloads) {
  const base = variants.find((v) => v.fn === fn && v.base);
  for (const v of variants.filter((x) => x.fn === fn)) {
    const s = samples.get(v);
    const ratio = p50(s.response) / p50(samples.get(base).response);
    lines.push(`${fn.padEnd(9)}${v.name.padEnd(30)}${`${p50(s.next).toFixed(1)} ms`.padStart(17)}${`${p50(s.response).toFixed(1)} ms`.padStart(20)}${`${ratio.toFixed(2)}x`.padStart(8)}`);
  }
}
console.log(lines.join('\n'));
