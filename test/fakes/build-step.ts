// Runs `lambda-node build` (dist/cli.mjs, as a user would) on a fixture into a fresh directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './spawn-runtime.ts';

export const BUILD_FIXTURES = join(ROOT, 'test/fixtures/build-step');
export const CLI = join(ROOT, 'dist/cli.mjs');

export interface Built {
  readonly out: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  remove(): void;
}

/** `lambda-node build <dir> --out <fresh dir> ...args`; `out` may be given to build into it. */
export function runBuild(dir: string, args: string[] = [], out?: string): Built {
  const target = out ?? join(mkdtempSync(join(tmpdir(), 'lambda-node-built-')), 'out');
  const r = spawnSync(process.execPath, [CLI, 'build', dir, '--out', target, ...args], { encoding: 'utf8', timeout: 120_000, cwd: ROOT });
  return { out: target, status: r.status, stdout: r.stdout, stderr: r.stderr, remove: () => rmSync(join(target, '..'), { recursive: true, force: true }) };
}

/** Like runBuild, but a failed build fails the test with its output. */
export function build(dir: string, args: string[] = []): Built {
  const b = runBuild(dir, args);
  if (b.status !== 0) throw new Error(`lambda-node build ${dir} ${args.join(' ')} exited ${b.status}:\n${b.stdout}${b.stderr}`);
  return b;
}

/** The JSON header of a code cache file. */
export function cacheHeader(file: string): Record<string, any> {
  const text = readFileSync(file).subarray(0, 64 * 1024).toString('utf8');
  const [magic, json] = text.split('\n');
  if (magic !== 'lambda-node code cache 1') throw new Error(`${file} is not a code cache`);
  return JSON.parse(json as string);
}

export const pinnedNode = (major: number): string => {
  const m = new RegExp(`^NODE${major}_VERSION=(.+)$`, 'm').exec(readFileSync(join(ROOT, 'layer/versions.env'), 'utf8'));
  if (!m) throw new Error(`no NODE${major}_VERSION in layer/versions.env`);
  return `v${m[1]}`;
};
