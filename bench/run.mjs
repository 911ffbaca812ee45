// lambda-node vs aws-lambda-ric, same Node binary, same environment, one run, interleaved.
// Usage: node bench/run.mjs [--node 24|22] [--quick] [--runs N] [--rie-runs N] [--rounds N]
//                           [--out bench/results/latest] [--no-rie]
// Writes <out>.json and <out>.svg and prints the table. See bench/README.md for each metric.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chartFromResult } from './lib/chart.mjs';
import { cold, warm } from './lib/measure.mjs';
import { rieBinary, rieCold } from './lib/rie.mjs';
import { BUILT, functionDir, MEMORY_MB, nodeBinary, ROOT, RUNTIMES, WORKLOADS } from './lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    node: { type: 'string', default: '24' },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    'rie-runs': { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string' },
    'no-rie': { type: 'boolean', default: false },
  },
});
const major = Number(values.node);
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 10 : 30));
const rieRuns = values['no-rie'] ? 0 : Number(values['rie-runs'] ?? (quick ? 5 : 15));
const rounds = Number(values.rounds ?? (quick ? 1 : 2));
const WARMUP = 1_000; // invokes before measuring: JIT, caches, first GCs
const RSS_AT = 10_000;
const LAST = quick ? 20_000 : 50_000;
const checkpoints = [WARMUP, RSS_AT, LAST];
const out = resolve(ROOT, values.out ?? (quick ? `bench/results/quick-node${major}` : major === 24 ? 'bench/results/latest' : `bench/results/latest-node${major}`));
const log = (s) => process.stderr.write(`${s}\n`);

// Interleaving: every round runs each runtime once, the order flipping between rounds, so drift
// (thermal, other load) falls on both alike.
const order = (i) => (i % 2 ? [...RUNTIMES].reverse() : RUNTIMES);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const median = (xs) => pct(xs, 50);

const nodeVersion = execFileSync(nodeBinary(major), ['-v']).toString().trim();
const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'} x${cpus().length}, Linux ${release()}, ${process.arch}`;
const ricVersion = JSON.parse(readFileSync(resolve(ROOT, major >= 24 ? 'node_modules/aws-lambda-ric/package.json' : 'node_modules/aws-lambda-ric-3/package.json'), 'utf8')).version;
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
log(`Node ${nodeVersion} on ${machine}; load ${load}; ${quick ? 'quick' : 'full'} run`);
if (rieRuns && !existsSync(rieBinary())) throw new Error(`${rieBinary()} is missing: run make rie (or pass --no-rie)`);

// The built workloads: `lambda-node build` of another workload's function, for this Node and the
// memory size the runs give the function (Node 22's V8 checks the heap flags derived from it). Both
// runtimes run the same built files; aws-lambda-ric has no use for the code cache beside them.
for (const [fn, source] of Object.entries(BUILT)) {
  const out = functionDir(fn, major);
  const args = [resolve(ROOT, 'dist/cli.mjs'), 'build', functionDir(source, major), '--out', out, '--node', String(major), '--memory', String(MEMORY_MB), '--force'];
  const report = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  log(report.trimEnd().replace(/^/gm, '  '));
  // A benchmark of a cache that is not used would measure nothing: check it is.
  const check = await cold('lambda-node', major, fn, { LAMBDA_NODE_DEBUG: 'code-cache' });
  const line = check.stderr().split('\n').find((l) => l.startsWith('lambda-node: code cache')) ?? '(no code cache line)';
  if (!line.startsWith('lambda-node: code cache hit')) throw new Error(`${fn}: the code cache is not used: ${line}`);
  log(`  ${line}`);
}

const raw = Object.fromEntries(
  WORKLOADS.map((fn) => [fn, Object.fromEntries(RUNTIMES.map((rt) => [rt, { firstNext: [], firstResponse: [], rie: [], warm: [] }]))]),
);

// Warm the page cache once for both (the two Node binaries are the same file), discarded.
for (const fn of WORKLOADS) for (const rt of RUNTIMES) await cold(rt, major, fn);
if (rieRuns) for (const rt of RUNTIMES) await rieCold(rt, major, 'hello');

log(`cold: ${runs} runs per runtime and workload`);
for (let i = 0; i < runs; i++) {
  for (const fn of WORKLOADS) {
    for (const rt of order(i)) {
      const r = await cold(rt, major, fn);
      raw[fn][rt].firstNext.push(r.firstNext);
      raw[fn][rt].firstResponse.push(r.firstResponse);
    }
  }
}

if (rieRuns) log(`RIE: ${rieRuns} runs per runtime and workload`);
for (let i = 0; i < rieRuns; i++) for (const fn of WORKLOADS) for (const rt of order(i)) raw[fn][rt].rie.push(await rieCold(rt, major, fn));

log(`warm: ${rounds} round(s) of ${LAST} invokes per runtime and workload`);
for (let i = 0; i < rounds; i++) {
  for (const fn of WORKLOADS) {
    for (const rt of order(i)) {
      const w = await warm(rt, major, fn, { checkpoints, latencyFrom: WARMUP, latencyTo: RSS_AT });
      const [a, b, c] = w.marks;
      const n = RSS_AT - WARMUP;
      raw[fn][rt].warm.push({
        invokesPerSecond: n / ((b.t - a.t) / 1000),
        cpuUsPerInvoke: ((b.cpu - a.cpu) * 1000) / n,
        rssMb10k: b.rss,
        rssMbLast: c.rss,
        rssGrowthMb: c.rss - b.rss,
        overheadP50Us: pct(w.latencies, 50) * 1000,
        overheadP99Us: pct(w.latencies, 99) * 1000,
        marks: w.marks,
      });
      log(`  ${fn} ${rt}: ${raw[fn][rt].warm.at(-1).invokesPerSecond.toFixed(0)}/s`);
    }
  }
}

// name, unit, better, how to summarise, shown on which workloads
const METRICS = [
  ['firstNext_p50', 'cold init p50 (spawn to first /next)', 'ms', 'lower', (r) => pct(r.firstNext, 50)],
  ['firstNext_p90', 'cold init p90', 'ms', 'lower', (r) => pct(r.firstNext, 90)],
  ['firstResponse_p50', 'cold first response p50', 'ms', 'lower', (r) => pct(r.firstResponse, 50)],
  ['firstResponse_p90', 'cold first response p90', 'ms', 'lower', (r) => pct(r.firstResponse, 90)],
  ['rie_p50', 'RIE start to first response p50', 'ms', 'lower', (r) => (r.rie.length ? pct(r.rie, 50) : NaN)],
  ['rie_p90', 'RIE start to first response p90', 'ms', 'lower', (r) => (r.rie.length ? pct(r.rie, 90) : NaN)],
  ['invokesPerSecond', 'warm invokes per second', '/s', 'higher', (r) => median(r.warm.map((w) => w.invokesPerSecond))],
  ['cpuUsPerInvoke', 'CPU per warm invoke', 'µs', 'lower', (r) => median(r.warm.map((w) => w.cpuUsPerInvoke))],
  ['overheadP50Us', 'invoke overhead p50', 'µs', 'lower', (r) => median(r.warm.map((w) => w.overheadP50Us))],
  ['overheadP99Us', 'invoke overhead p99', 'µs', 'lower', (r) => median(r.warm.map((w) => w.overheadP99Us))],
  ['rssMb10k', `RSS after ${RSS_AT} invokes`, 'MB', 'lower', (r) => median(r.warm.map((w) => w.rssMb10k))],
  ['rssGrowthMb', `RSS growth ${RSS_AT / 1000}k to ${LAST / 1000}k (max)`, 'MB', 'lower', (r) => Math.max(...r.warm.map((w) => w.rssGrowthMb))],
];

const summary = {};
for (const fn of WORKLOADS) {
  summary[fn] = {};
  for (const [key, label, unit, better, f] of METRICS) {
    const ours = f(raw[fn]['lambda-node']);
    const official = f(raw[fn]['aws-lambda-ric']);
    if (Number.isNaN(ours)) continue;
    summary[fn][key] = { label, unit, better, ours, official, ratio: ours / official };
  }
}

// The build step's target compares lambda-node on the built function with aws-lambda-ric on the
// function as written (aws-lambda-ric has no build step); the sdk-built rows above compare both
// runtimes on the built files.
if (summary['sdk-built'] && summary.sdk) {
  const ours = summary['sdk-built'].firstResponse_p50.ours;
  const official = summary.sdk.firstResponse_p50.official;
  summary['sdk-built'].firstResponse_p50_vs_unbuilt = {
    label: 'first response p50, vs official unbuilt',
    unit: 'ms',
    better: 'lower',
    ours,
    official,
    ratio: ours / official,
  };
}

// Issue 6's targets.
const TARGETS = [
  ['hello', 'firstNext_p50', (s) => s.ratio <= 0.8, '<= 0.8x'],
  ['sdk', 'firstResponse_p50', (s) => s.ratio <= 0.9, '<= 0.9x (no build step)'],
  ['sdk-built', 'firstResponse_p50_vs_unbuilt', (s) => s.ratio <= 0.6, '<= 0.6x (with the build step)'],
  ['hello', 'cpuUsPerInvoke', (s) => s.ratio <= 0.6, '<= 0.6x'],
  ['hello', 'invokesPerSecond', (s) => s.ratio >= 1, '>= 1x'],
  ['hello', 'rssMb10k', (s) => s.ratio <= 1, '<= 1x'],
  ['hello', 'rssGrowthMb', (s) => s.ours <= 2, '<= 2 MB (ours)'],
];
const targets = TARGETS.map(([fn, key, ok, text]) => {
  const s = summary[fn][key];
  s.target = text;
  s.met = ok(s);
  return { workload: fn, metric: key, target: text, ratio: s.ratio, ours: s.ours, official: s.official, met: s.met };
});

const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const lines = [];
lines.push(`lambda-node vs aws-lambda-ric ${ricVersion}, Node ${nodeVersion}, ${machine}`);
lines.push(
  `${quick ? 'quick' : 'full'} run: ${runs} cold runs, ${rieRuns} RIE runs, ${rounds} warm round(s) of ${LAST} invokes (measured ${WARMUP}..${RSS_AT}), interleaved; warm page cache; ${new Date().toISOString()}; load at start ${load}`,
);
lines.push('');
lines.push(`${'workload'.padEnd(9)}  ${'metric'.padEnd(40)}${'lambda-node'.padStart(14)}${'aws-lambda-ric'.padStart(16)}${'ratio'.padStart(9)}  target`);
for (const fn of WORKLOADS) {
  for (const [key, s] of Object.entries(summary[fn])) {
    const unit = ` ${s.unit}`.padEnd(4);
    const target = s.target ? `${s.met ? 'met' : 'MISSED'} (${s.target})` : '';
    lines.push(`${fn.padEnd(9)}  ${s.label.padEnd(40)}${(fmt(s.ours) + unit).padStart(14)}${(fmt(s.official) + unit).padStart(16)}${(s.ratio.toFixed(2) + 'x').padStart(9)}  ${target}`);
    void key;
  }
}
console.log(lines.join('\n'));

mkdirSync(dirname(out), { recursive: true });
const result = {
  date: new Date().toISOString(),
  machine,
  node: nodeVersion,
  awsLambdaRic: ricVersion,
  mode: quick ? 'quick' : 'full',
  params: { runs, rieRuns, rounds, warmup: WARMUP, rssAt: RSS_AT, last: LAST, memoryMb: 1024, loadAtStart: load },
  summary,
  targets,
  table: lines.join('\n'),
  raw,
};
writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${out}.svg`, chartFromResult(result));
log(`wrote ${relative(ROOT, out)}.json and .svg`);
