// moto in server mode on 127.0.0.1: the AWS API the AWS CLI example talks to, offline.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { VENV_BIN, freePort } from './tools.ts';

export interface Moto {
  readonly endpoint: string;
  /** Environment for an AWS CLI run against this server: endpoint, dummy credentials, region. */
  env(): Record<string, string | undefined>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = '';
  const proc: ChildProcess = spawn(join(VENV_BIN, 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    // AWS managed policies (AWSLambdaBasicExecutionRole) exist in moto's IAM only when asked for.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`moto_server exited (${proc.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/config`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // moto's Lambda would run functions in Docker images from a registry; its simple backend records
  // everything and answers invokes without running them, which is all these tests look at.
  const cfg = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!cfg.ok) throw new Error(`moto config: HTTP ${cfg.status}`);

  return {
    endpoint,
    env: () => ({
      ...process.env,
      PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    }),
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
    },
  };
}
