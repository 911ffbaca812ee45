// One measured process: cold (spawn to first /next and first /response) or warm (K invokes
// back to back, with CPU time and RSS read from /proc at checkpoints).
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { command, EVENTS, functionDir, lambdaEnv } from './runtimes.mjs';
import { nextReply, now, startRuntimeApi } from './runtime-api.mjs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process in ms (all its threads). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** VmRSS in MB. */
export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function launch(runtime, major, fn, api, extraEnv) {
  const [cmd, args] = command(runtime, major);
  const child = spawn(cmd, args, { cwd: functionDir(fn, major), env: { ...lambdaEnv(major, fn, api), ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('close', resolve));
  return { child, exited, stderr: () => stderr };
}

async function stop(proc) {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  await proc.exited;
}

/** Spawn to first /next and to first /response, in ms; stderr() is the runtime's, whole once this resolves. */
export async function cold(runtime, major, fn, extraEnv = {}) {
  let t0 = 0;
  let firstNext = 0;
  let proc;
  let settle;
  const result = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const api = await startRuntimeApi({
    onNext(reply) {
      if (firstNext) return; // park: the run ends at the first response
      firstNext = now() - t0;
      reply(nextReply('cold-1', EVENTS[fn]));
    },
    onResponse(_id, t) {
      settle.resolve({ firstNext, firstResponse: t - t0, stderr: () => proc.stderr() });
    },
    onError(path, body) {
      settle.reject(new Error(`${runtime} ${fn}: ${path}: ${body}`));
    },
  });
  t0 = now();
  proc = launch(runtime, major, fn, api.address, extraEnv);
  proc.exited.then((code) => settle.reject(new Error(`${runtime} ${fn} exited (${code}) before its first response:\n${proc.stderr()}`)));
  try {
    return await result;
  } finally {
    await stop(proc);
    await api.close();
  }
}

/**
 * Warm: serves invokes as fast as the runtime asks. Checkpoints (invoke counts, ascending) get
 * { invokes, t (ms), cpu (ms), rss (MB) }; latencies (answer /next to /response) are kept for
 * invokes in (from, to].
 */
export async function warm(runtime, major, fn, { checkpoints, latencyFrom, latencyTo }) {
  const total = checkpoints.at(-1);
  const event = EVENTS[fn];
  const marks = [];
  const latencies = new Float64Array(latencyTo - latencyFrom);
  let served = 0; // /next answered
  let done = 0; // /response received
  let answeredAt = 0;
  let parked = null;
  let proc;
  let settle;
  const result = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const ids = Array.from({ length: 64 }, (_, i) => `warm-${i}`);
  const answer = (reply) => {
    served++;
    // The request id varies so a runtime cannot cache a reply; the deadline is fixed per process.
    const bytes = nextReply(ids[served & 63], event);
    answeredAt = now();
    reply(bytes);
  };
  const api = await startRuntimeApi({
    onNext(reply) {
      if (served === done && served < total) answer(reply);
      else parked = reply;
    },
    onResponse(_id, t) {
      done++;
      if (done > latencyFrom && done <= latencyTo) latencies[done - latencyFrom - 1] = t - answeredAt;
      if (done === checkpoints[marks.length]) {
        marks.push({ invokes: done, t, cpu: cpuMs(proc.child.pid), rss: rssMb(proc.child.pid) });
        if (done === total) return settle.resolve();
      }
      // The /next for the following invoke usually arrives after this /response: answered there.
      if (parked && served < total) {
        const reply = parked;
        parked = null;
        answer(reply);
      }
    },
    onError(path, body) {
      settle.reject(new Error(`${runtime} ${fn}: ${path}: ${body}`));
    },
  });
  proc = launch(runtime, major, fn, api.address);
  proc.exited.then((code) => settle.reject(new Error(`${runtime} ${fn} exited (${code}) after ${done} invokes:\n${proc.stderr()}`)));
  try {
    await result;
    return { marks, latencies: Array.from(latencies) };
  } finally {
    await stop(proc);
    await api.close();
  }
}
