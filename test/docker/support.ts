// What the Docker suite shares: fixture paths, pinned versions, the one-line skip decision, and
// two engine helpers (run a container to its exit; list an image's files without running it).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { ImageName, getContainerRuntimeClient } from 'testcontainers';
import { isDockerAvailable } from '../../src/testkit/index.ts';
import { unzipTo } from '../../src/testkit/unzip.ts';

// Ryuk (testcontainers' reaper) is an image from a registry; the suite stops what it starts.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const FIXTURES = join(ROOT, 'test/docker/fixtures');
export const fixture = (name: string): string => join(FIXTURES, name);

export const VERSIONS: Record<string, string> = Object.fromEntries(
  readFileSync(join(ROOT, 'layer/versions.env'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z0-9_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^"|"$/g, '')]),
);

export const ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';
export const layerZip = (major: number, arch: string = ARCH): string => join(ROOT, 'build/layer', `lambda-node-node${major}-${arch}.zip`);

export const CI = ['true', '1'].includes(process.env.CI ?? '');
export const dockerAvailable = await isDockerAvailable();
if (!dockerAvailable && !CI) {
  console.log('Docker tests skipped: no Docker engine answers (make docker-up starts one).');
}
/** describe, or describe.skip when no engine answers (outside CI; in CI docker.test.ts fails). */
export const describeDocker = dockerAvailable ? describe : describe.skip;

/**
 * arm64 functions can run here: an x86_64 machine with qemu registered for arm64 binaries
 * (binfmt_misc, flag F so containers see it) and `make docker-prereqs-arm64` done. Optional.
 */
export const arm64Emulated = dockerAvailable && ARCH === 'x86_64' && (await arm64Ready());

async function arm64Ready(): Promise<boolean> {
  try {
    const binfmt = readFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', 'utf8');
    if (!binfmt.startsWith('enabled') || !/^flags: .*F/m.test(binfmt)) return false;
  } catch {
    return false;
  }
  if (!existsSync(layerZip(24, 'arm64'))) return false;
  const client = await getContainerRuntimeClient();
  return client.image.exists(ImageName.fromString('lambda-node-base:al2023-arm64'));
}

/** A scratch directory removed by the returned function. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `lambda-node-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A layer directory shipping the greeter package where Node layers put packages. */
export function greeterLayer(into: string): string {
  const layer = join(into, 'greeter-layer');
  mkdirSync(join(layer, 'nodejs/node_modules'), { recursive: true });
  cpSync(fixture('greeter-package'), join(layer, 'nodejs/node_modules/greeter'), { recursive: true });
  return layer;
}

/** The lambda-node layer unpacked, minus lib/ (its libstdc++ and libgcc_s). */
export function layerWithoutLibs(major: number, into: string, arch: string = ARCH): string {
  const dir = join(into, `layer-without-lib-${arch}`);
  unzipTo(layerZip(major, arch), dir);
  rmSync(join(dir, 'lib'), { recursive: true });
  return dir;
}

/** Runs a container to its exit: exit code and output lines (stdout and stderr). */
export async function runToExit(opts: { image: string; cmd?: string[]; env?: string[]; entrypoint?: string[] }): Promise<{ exitCode: number; lines: string[] }> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const container = await docker.createContainer({
    Image: opts.image,
    Cmd: opts.cmd,
    Env: opts.env,
    Entrypoint: opts.entrypoint,
    Labels: { 'lambda-node.testkit': '1' },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const out = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
    return { exitCode: StatusCode, lines: demux(out).split('\n').filter((l) => l !== '') };
  } finally {
    await container.remove({ force: true });
  }
}

/** Docker's multiplexed log stream (8-byte frame headers) as text. */
function demux(buf: Buffer): string {
  let text = '';
  for (let i = 0; i + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(i + 4);
    text += buf.toString('utf8', i + 8, i + 8 + size);
    i += 8 + size;
  }
  return text;
}

/** Every path in an image's file system (from `docker export` of a container never started). */
export async function imageFiles(image: string): Promise<Map<string, { type: string; link: string }>> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const container = await docker.createContainer({ Image: image, Entrypoint: ['/bin/sh'], Labels: { 'lambda-node.testkit': '1' } });
  try {
    const stream = await container.export();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return tarEntries(Buffer.concat(chunks));
  } finally {
    await container.remove({ force: true });
  }
}

/** Names, types and link targets of a tar archive's entries (ustar, GNU long names, pax paths). */
function tarEntries(tar: Buffer): Map<string, { type: string; link: string }> {
  const out = new Map<string, { type: string; link: string }>();
  const str = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');
  let longName: string | undefined;
  let longLink: string | undefined;
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(str(h.subarray(124, 136)).trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 48);
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') longName = str(body);
    else if (type === 'K') longLink = str(body);
    else if (type === 'x') {
      for (const rec of body.toString('utf8').split('\n')) {
        const m = /^\d+ (path|linkpath)=(.*)$/.exec(rec);
        if (m?.[1] === 'path') longName = m[2];
        if (m?.[1] === 'linkpath') longLink = m[2];
      }
    } else {
      const prefix = str(h.subarray(345, 500));
      const name = longName ?? (prefix ? `${prefix}/${str(h.subarray(0, 100))}` : str(h.subarray(0, 100)));
      out.set(name.replace(/^\.?\//, '').replace(/\/$/, ''), { type, link: longLink ?? str(h.subarray(157, 257)) });
      longName = longLink = undefined;
    }
  }
  return out;
}
