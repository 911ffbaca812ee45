// What the examples tests share: where the examples, the layer zip and the Python tools are, and a
// way to run a command that fails the test with its output. Everything offline: the tools come
// from scripts/setup-examples.sh (.toolchain/venv-examples), the layer from `make layer`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EXAMPLE = join(ROOT, 'examples/attach-layer');
export const VENV_BIN = join(ROOT, '.toolchain/venv-examples/bin');
/** The zip every example attaches: what `make layer ARCH=x86_64 NODE_MAJOR=24` builds. */
export const LAYER_ZIP = join(ROOT, 'build/layer/lambda-node-node24-x86_64.zip');

const PREREQS = 'run `make examples-prereqs` (scripts/setup-examples.sh and make layer ARCH=x86_64 NODE_MAJOR=24)';

/** Throws, naming the missing piece and the command that makes it. */
export function requirePrereqs(tools: string[]): void {
  if (!existsSync(LAYER_ZIP)) throw new Error(`missing ${LAYER_ZIP}: ${PREREQS}`);
  for (const t of tools) {
    if (!existsSync(join(VENV_BIN, t))) throw new Error(`missing ${join(VENV_BIN, t)}: ${PREREQS}`);
  }
}

export function sha256(file: string): Buffer {
  return createHash('sha256').update(readFileSync(file)).digest();
}

/** What Lambda reports as CodeSha256: the base64 of the sha256 of the zip. */
export function codeSha256(file: string): string {
  return sha256(file).toString('base64');
}

/** Node version pinned for the layer (layer/versions.env), e.g. "24.21.0". */
export function pinnedNodeVersion(major: 22 | 24): string {
  const m = readFileSync(join(ROOT, 'layer/versions.env'), 'utf8').match(new RegExp(`^NODE${major}_VERSION=(.+)$`, 'm'));
  if (!m) throw new Error(`NODE${major}_VERSION not in layer/versions.env`);
  return m[1]!.trim();
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; rejects with its exit status, stdout and stderr when it does not exit 0. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((res, rej) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: defined(opts.env ?? process.env), timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          rej(new Error(`${cmd} ${args.join(' ')} failed (${err.code ?? err.signal}):\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        } else {
          res({ stdout, stderr });
        }
      },
    );
  });
}

/** An environment without the variables set to undefined (to unset them in the child). */
export function defined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}
