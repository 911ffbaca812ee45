// The images the test kit runs, built with the container engine testcontainers finds and cached
// by content (a second start of the same function builds nothing):
//   layers image    FROM <base> + each layer unpacked into /opt, in order, as Lambda extracts them
//   function image  FROM <layers image> + the function's directory at /var/task
import { createHash } from 'node:crypto';
import {
  copyFileSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync,
  readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageName, getContainerRuntimeClient } from 'testcontainers';
import { unzipTo } from './unzip.ts';

export type Arch = 'x86_64' | 'arm64';

/** Label on every image and container the kit makes: `docker image prune -a --filter label=lambda-node.testkit` */
export const KIT_LABEL = 'lambda-node.testkit';

export function platformOf(arch: Arch): string {
  return arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
}

export function cacheDir(): string {
  return process.env.LAMBDA_NODE_TESTKIT_CACHE ?? join(tmpdir(), 'lambda-node-testkit');
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content hash of a directory tree: paths, modes, file bytes and link targets, in sorted order. */
export function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, p));
      h.update(`${p}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(join(dir, p)));
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(join(dir, p)));
      h.update('\0');
    }
  };
  walk('');
  return h.digest('hex');
}

const zipDigests = new Map<string, string>();

/** A layer given as a zip or a directory, as a directory plus a content key. */
function resolveLayer(source: string): { dir: string; key: string } {
  if (!existsSync(source)) throw new Error(`layer not found: ${source}`);
  const st = lstatSync(source);
  if (st.isDirectory()) return { dir: source, key: `dir:${hashTree(source)}` };
  const seen = `${source}\0${st.size}\0${st.mtimeMs}`;
  const key = zipDigests.get(seen) ?? sha256(readFileSync(source));
  zipDigests.set(seen, key);
  const dir = join(cacheDir(), 'layers', key);
  if (!existsSync(dir)) {
    mkdirSync(join(cacheDir(), 'layers'), { recursive: true });
    const tmp = mkdtempSync(join(cacheDir(), 'layers', '.unzip-'));
    unzipTo(source, tmp);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true }); // another process won the race
      if (!existsSync(dir)) throw err;
    }
  }
  return { dir, key: `zip:${key}` };
}

/** Lays `src` over `dest`: later layers replace earlier files. Hard links where possible. */
function overlay(src: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    const to = join(dest, name);
    const st = lstatSync(from);
    if (st.isDirectory()) {
      if (existsSync(to) && !lstatSync(to).isDirectory()) unlinkSync(to);
      overlay(from, to);
      continue;
    }
    if (existsSync(to) || isDanglingLink(to)) rmSync(to, { recursive: true, force: true });
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
      }
    }
  }
}

function isDanglingLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

async function imageExists(name: string): Promise<boolean> {
  const client = await getContainerRuntimeClient();
  return client.image.exists(ImageName.fromString(name));
}

async function imageId(name: string): Promise<string | undefined> {
  const client = await getContainerRuntimeClient();
  try {
    return (await client.image.inspect(ImageName.fromString(name))).Id;
  } catch {
    return undefined;
  }
}

/** docker build of a context directory; rejects with the engine's own error text. */
async function build(ctx: string, tag: string, arch: Arch, dockerfile = 'Dockerfile'): Promise<void> {
  const client = await getContainerRuntimeClient();
  const docker = client.container.dockerode;
  const stream = await docker.buildImage(
    { context: ctx, src: readdirSync(ctx) },
    { t: tag, dockerfile, platform: platformOf(arch), labels: { [KIT_LABEL]: '1' }, rm: true, forcerm: true },
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
      const failed = out?.find((o) => o.error || o.errorDetail);
      if (err || failed) reject(new Error(`docker build of ${tag} failed: ${err?.message ?? failed?.error ?? failed?.errorDetail?.message}`));
      else resolve();
    });
  });
}

export interface LayersImageSpec {
  baseImage: string;
  arch: Arch;
  /** zips or directories, unpacked into /opt in this order */
  layers: string[];
}

/** Builds under way or done in this process, by tag: functions started together share one build. */
const building = new Map<string, Promise<void>>();

async function once(tag: string, make: (tag: string) => Promise<void>): Promise<string> {
  let p = building.get(tag);
  if (!p) {
    p = (async () => {
      if (!(await imageExists(tag))) await make(tag);
    })();
    building.set(tag, p);
    p.catch(() => building.delete(tag));
  }
  await p;
  return tag;
}

export async function layersImage(spec: LayersImageSpec): Promise<string> {
  const layers = spec.layers.map(resolveLayer);
  const base = (await imageId(spec.baseImage)) ?? spec.baseImage;
  const key = sha256(JSON.stringify({ base, arch: spec.arch, layers: layers.map((l) => l.key) }));
  return once(`lambda-node-testkit/layers:${key.slice(0, 20)}`, (tag) => buildLayers(spec, layers, tag));
}

async function buildLayers(spec: LayersImageSpec, layers: Array<{ dir: string }>, tag: string): Promise<void> {
  const ctx = mkdtempSync(join(tmpdir(), 'lambda-node-testkit-ctx-'));
  try {
    mkdirSync(join(ctx, 'opt'));
    for (const l of layers) overlay(l.dir, join(ctx, 'opt'));
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${spec.baseImage}\nCOPY opt/ /opt/\n`);
    await build(ctx, tag, spec.arch).catch(async (err: Error) => {
      if (!(await imageExists(spec.baseImage))) {
        throw new Error(`${err.message}\nThe base image ${spec.baseImage} is not present and could not be pulled: build the local stand-in with \`make test-image-base\`.`);
      }
      throw err;
    });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

export async function functionImage(fromImage: string, dir: string, arch: Arch): Promise<string> {
  const key = sha256(JSON.stringify({ from: (await imageId(fromImage)) ?? fromImage, arch, task: hashTree(dir) }));
  return once(`lambda-node-testkit/function:${key.slice(0, 20)}`, async (tag) => {
    const ctx = mkdtempSync(join(tmpdir(), 'lambda-node-testkit-ctx-'));
    try {
      cpSync(dir, join(ctx, 'task'), { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(ctx, 'Dockerfile'), `FROM ${fromImage}\nCOPY task/ /var/task/\n`);
      await build(ctx, tag, arch);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  });
}

/**
 * A user's Dockerfile (e.g. `FROM lambda-node:24`), built every time: the engine's own cache
 * decides what is stale (its FROM image may have been rebuilt), and a build that changed nothing
 * takes well under a second.
 */
export async function dockerfileImage(context: string, arch: Arch, dockerfile?: string): Promise<string> {
  const tag = `lambda-node-testkit/image:${sha256(`${context}\0${dockerfile ?? ''}`).slice(0, 20)}`;
  await build(context, tag, arch, dockerfile);
  return tag;
}
