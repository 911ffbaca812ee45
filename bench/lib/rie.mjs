// Cold start end to end under AWS's Runtime Interface Emulator, run as a plain process (as
// test/fakes/rie.ts does): time from starting the RIE to the first invoke's response, which
// includes the RIE's own start, its lazy start of the runtime on the first invoke, the runtime's
// init, and the invoke.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { ARCH, command, EVENTS, functionDir, lambdaEnv, ROOT } from './runtimes.mjs';
import { now } from './runtime-api.mjs';

export const rieBinary = () => join(ROOT, '.toolchain/rie', `aws-lambda-rie-${ARCH}`);
const INVOKE_PATH = '/2015-03-31/functions/function/invocations';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const s = createServer();
  await new Promise((r, j) => s.once('error', j).listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const canConnect = (port) =>
  new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

function post(port, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: INVOKE_PATH, method: 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function descendants(pid) {
  const parentOf = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parentOf.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const found = [];
  const walk = (p) => {
    for (const [c, pp] of parentOf) if (pp === p && !found.includes(c)) (found.push(c), walk(c));
  };
  walk(pid);
  return found;
}

function kill(pid) {
  for (const t of [-pid, pid]) {
    try {
      process.kill(t, 'SIGKILL');
    } catch {}
  }
}

/** ms from spawning the RIE to the first response; the RIE's two ports are picked free first. */
export async function rieCold(runtime, major, fn) {
  const port = await freePort();
  let apiPort = await freePort();
  while (apiPort === port) apiPort = await freePort();
  const [cmd, args] = command(runtime, major);
  const env = lambdaEnv(major, fn);
  const t0 = now();
  // detached: the RIE leads its own process group; it puts the runtime in another, killed below.
  const rie = spawn(rieBinary(), ['--runtime-interface-emulator-address', `127.0.0.1:${port}`, '--runtime-api-address', `127.0.0.1:${apiPort}`, cmd, ...args], {
    cwd: functionDir(fn, major),
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let err = '';
  rie.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
  const exited = new Promise((r) => rie.once('close', r));
  try {
    const deadline = t0 + 10_000;
    while (!(await canConnect(port))) {
      if (rie.exitCode !== null) throw new Error(`the RIE exited at start:\n${err}`);
      if (now() > deadline) throw new Error(`the RIE did not listen within 10 s:\n${err}`);
      await sleep(1);
    }
    const res = await post(port, EVENTS[fn]);
    const elapsed = now() - t0;
    if (res.status !== 200 || /errorType/.test(res.body)) throw new Error(`${runtime} ${fn} under the RIE: ${res.status} ${res.body}\n${err}`);
    return elapsed;
  } finally {
    const children = descendants(rie.pid);
    kill(rie.pid);
    for (const c of children) kill(c);
    await exited;
  }
}
