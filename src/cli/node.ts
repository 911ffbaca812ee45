// The Node binary that makes a function's code cache. V8 accepts a cache only from its own version
// (and the same flags), and the cache's header names the Node version and architecture that made
// it, so it must be the binary the layer ships: the pinned node-linux-<arch> version for the major.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch as hostArch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const LAMBDA_NODE_PINNED_NODE: Record<string, string>;

export type LambdaArch = 'x86_64' | 'arm64';

/** The lambda-node package's own directory (dist/cli.mjs lives in dist/). */
export const PACKAGE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

export function pinnedVersion(major: number): string {
  const version = LAMBDA_NODE_PINNED_NODE[String(major)];
  if (!version) throw new Error(`no Node ${major} in this lambda-node (it ships ${Object.keys(LAMBDA_NODE_PINNED_NODE).join(', ')})`);
  return version;
}

const nodeArch = (a: LambdaArch) => (a === 'arm64' ? 'arm64' : 'x64');

export interface TargetNode {
  readonly path: string;
  readonly version: string;
}

/** `node --version` of a binary, or undefined when it does not run on this machine. */
function versionOf(path: string): string | undefined {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The pinned Node for `major` and `arch` that runs here, or why there is none. Looks at the
 * binary given, then this process's own node, then the package's .toolchain (fetched there from
 * npm with scripts/fetch-node.sh when the package has it). Another architecture runs only where
 * the machine emulates it (qemu-user with binfmt_misc and QEMU_LD_PREFIX, or an arm64 machine).
 */
export function findTargetNode(major: number, arch: LambdaArch, given?: string): TargetNode | { reason: string } {
  const want = `v${pinnedVersion(major)}`;
  if (given) {
    const got = versionOf(given);
    if (got !== want) return { reason: `${given} is ${got ?? 'not runnable here'}, not Node ${want}` };
    return { path: given, version: want };
  }
  if (process.version === want && hostArch() === nodeArch(arch)) return { path: process.execPath, version: want };
  const dir = join(PACKAGE_ROOT, '.toolchain', `node${major}-${nodeArch(arch)}`);
  const bin = join(dir, 'bin/node');
  const fetch = join(PACKAGE_ROOT, 'scripts/fetch-node.sh');
  if (!existsSync(bin) && existsSync(fetch)) {
    try {
      execFileSync(fetch, [String(major), nodeArch(arch), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      return { reason: `could not fetch Node ${want} (${nodeArch(arch)}): ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? err}` };
    }
  }
  if (!existsSync(bin)) return { reason: `no Node ${want} (${nodeArch(arch)}) binary: pass --node-binary` };
  const got = versionOf(bin);
  if (got !== want) {
    return { reason: `${bin} does not run on this ${hostArch()} machine${arch === 'arm64' ? ' (arm64 needs an arm64 machine, or qemu-user registered with binfmt_misc and QEMU_LD_PREFIX set)' : ''}` };
  }
  return { path: bin, version: want };
}

export function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
