// How many worker threads Managed Instances run: AWS_LAMBDA_NODEJS_WORKER_COUNT, else 8 per vCPU,
// as aws-lambda-ric 4.x counts them. vCPUs come from the cgroup v2 quota (/sys/fs/cgroup/cpu.max,
// "quota period", rounded up); "max" means no quota: every CPU the machine shows; unreadable: 1.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export const WORKERS_PER_CPU = 8;

export function availableCpus(read: () => string = () => readFileSync('/sys/fs/cgroup/cpu.max', 'utf8'), machineCpus = () => cpus().length): number {
  try {
    const [quota, period] = read().trim().split(/\s+/);
    if (quota === 'max') return Math.max(1, machineCpus());
    const q = parseInt(quota ?? '', 10);
    const p = parseInt(period ?? '', 10);
    if (q > 0 && p > 0) return Math.ceil(q / p);
  } catch {
    // no cgroup v2 file: one vCPU, as the official runtime assumes
  }
  return 1;
}

/**
 * The count, or a warning when AWS_LAMBDA_NODEJS_WORKER_COUNT is not a positive integer (4.x
 * then starts no worker at all and the process idles; here the default is used instead).
 */
export function workerCount(raw: string | undefined, cpuCount: () => number = availableCpus): { count: number; warning?: string } {
  if (raw) {
    const n = parseInt(raw, 10);
    if (n > 0) return { count: n };
    const count = WORKERS_PER_CPU * cpuCount();
    return { count, warning: `AWS_LAMBDA_NODEJS_WORKER_COUNT=${JSON.stringify(raw)} is not a positive integer: running ${count} workers (${WORKERS_PER_CPU} per vCPU).` };
  }
  return { count: WORKERS_PER_CPU * cpuCount() };
}
