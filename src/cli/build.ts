// lambda-node build: bundles each handler's module with esbuild, makes its V8 code cache with the
// Node the layer ships, and writes a directory to deploy as the function's code (/var/task).
//
//   <out>/<dir>/<module>.<ext>                  the bundle: a complete module on its own (outputName)
//   <out>/<dir>/package.json                    {"type"} when a .js bundle needs one
//   <out>/<dir>/.lambda-node/<file>.cache       its code cache (src/code-cache/format.ts)
//   <out>/.lambda-node/build.json               what was built, from what, by which Node
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { parseHandler } from '../handler/parse.ts';
import { bundle, type Bundle, type ModuleKind } from './bundle.ts';
import { makeCache, timeLoad, type MakeResult, type RunContext } from './cache.ts';
import { findTargetNode, packageVersion, pinnedVersion, type LambdaArch } from './node.ts';

export interface BuildOptions {
  readonly dir: string;
  readonly out: string;
  readonly handlers: readonly string[];
  readonly nodeMajor: number;
  readonly arch: LambdaArch;
  /** The function's memory size: on Node 22 the cache is good only for this size. */
  readonly memoryMb: number;
  readonly external: readonly string[];
  readonly minify: boolean;
  readonly sourcemap: boolean;
  readonly mainFields: readonly string[];
  /** Run the module's init while making the cache (the cache then holds what init compiled). */
  readonly run: boolean;
  readonly cache: boolean;
  readonly measure: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly initTimeoutMs: number;
  readonly copy: readonly string[];
  readonly nodeBinary?: string;
  readonly force: boolean;
  readonly log: (line: string) => void;
}

export interface HandlerReport {
  /** The handlers (_HANDLER values) in this module. */
  readonly handlers: readonly string[];
  readonly entry: string;
  readonly output: string;
  readonly kind: 'cjs' | 'esm';
  readonly inputs: { readonly files: number; readonly bytes: number };
  readonly bundleBytes: number;
  readonly cache?: { readonly bytes: number; readonly made: 'init' | 'eager' };
  readonly noCache?: string;
  readonly initError?: string;
  readonly loadMs?: { readonly unbuilt?: number; readonly built?: number };
  readonly warnings: readonly string[];
}

export interface BuildReport {
  readonly out: string;
  readonly node: string;
  readonly arch: LambdaArch;
  readonly handlers: readonly HandlerReport[];
}

export class BuildError extends Error {}

const CANDIDATES = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
const MARKER = join('.lambda-node', 'build.json');

/** The handler's module file, looked up as the official runtime does (then TypeScript). */
export function findEntry(dir: string, handler: string): { entry: string; moduleRoot: string; moduleName: string } {
  let name;
  try {
    name = parseHandler(handler, true);
  } catch (err) {
    throw new BuildError(`--handler ${handler}: ${(err as Error).message}`);
  }
  const base = resolve(dir, name.moduleRoot, name.moduleName);
  for (const ext of CANDIDATES) {
    if (existsSync(base + ext) && statSync(base + ext).isFile()) return { entry: base + ext, moduleRoot: name.moduleRoot, moduleName: name.moduleName };
  }
  throw new BuildError(`--handler ${handler}: no ${relative(process.cwd(), base) || base}{${CANDIDATES.filter(Boolean).join(',')}} file`);
}

function prepareOut(o: BuildOptions): void {
  const out = resolve(o.out);
  const dir = resolve(o.dir);
  if (out === dir || dir.startsWith(out + sep)) throw new BuildError(`--out ${o.out} would overwrite the function's own files`);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new BuildError(`--out ${o.out} is not a directory`);
    const entries = readdirSync(out);
    if (entries.length && !existsSync(join(out, MARKER)) && !o.force) {
      throw new BuildError(`${o.out} is not empty and was not written by lambda-node build: pick another --out, or pass --force to replace it`);
    }
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true, mode: 0o755 });
}

function write(file: string, data: Buffer | string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, data, { mode: 0o644 });
}

/**
 * The bundle keeps its file's name where it can (import.meta.url and __filename stay the same): a
 * .js file gets a package.json beside it saying what it is, unless one there says otherwise.
 * TypeScript and extensionless files become .mjs or .cjs.
 */
function outputName(entry: string, moduleName: string, kind: ModuleKind, dir: string): { name: string; packageJson?: string } {
  const ext = extname(entry);
  const own = kind === 'esm' ? '.mjs' : '.cjs';
  if (ext === '.mjs' || ext === '.cjs') return { name: basename(entry) };
  if (ext !== '.js') return { name: moduleName + own };
  const type = kind === 'esm' ? 'module' : 'commonjs';
  const pj = join(dir, 'package.json');
  if (!existsSync(pj)) return { name: basename(entry), packageJson: `${JSON.stringify({ type })}\n` };
  try {
    if ((JSON.parse(readFileSync(pj, 'utf8')).type ?? 'commonjs') === type) return { name: basename(entry) };
  } catch {
    // not ours to fix
  }
  return { name: moduleName + own };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function buildFunction(o: BuildOptions): Promise<BuildReport> {
  const dir = resolve(o.dir);
  const out = resolve(o.out);
  // One bundle per module, however many handlers it exports.
  const entries: (ReturnType<typeof findEntry> & { handlers: string[] })[] = [];
  for (const handler of o.handlers) {
    const found = findEntry(dir, handler);
    const same = entries.find((e) => e.entry === found.entry);
    if (same) same.handlers.push(handler);
    else entries.push({ ...found, handlers: [handler] });
  }
  prepareOut(o);
  const version = `v${pinnedVersion(o.nodeMajor)}`;
  const target = o.cache ? findTargetNode(o.nodeMajor, o.arch, o.nodeBinary) : { reason: '--no-cache' };
  if ('reason' in target && o.cache) o.log(`lambda-node build: no code cache: ${target.reason}`);

  const bundles: { h: (typeof entries)[number]; b: Bundle; file: string }[] = [];
  for (const item of o.copy) {
    const from = resolve(dir, item);
    if (!existsSync(from)) throw new BuildError(`--copy ${item}: no such file or directory in ${o.dir}`);
    cpSync(from, join(out, relative(dir, from)), { recursive: true });
  }
  for (const h of entries) {
    const where = join(out, h.moduleRoot);
    let packageJson: string | undefined;
    const b = await bundle(
      h.entry,
      (kind) => {
        const chosen = outputName(h.entry, h.moduleName, kind, where);
        packageJson = chosen.packageJson;
        return join(where, chosen.name);
      },
      { nodeMajor: o.nodeMajor, external: o.external, minify: o.minify, sourcemap: o.sourcemap, mainFields: o.mainFields },
    );
    const file = join(where, b.fileName);
    if (existsSync(file)) throw new BuildError(`two handlers write ${relative(out, file)}`);
    if (packageJson) write(join(where, 'package.json'), packageJson);
    write(file, b.code);
    if (b.map) write(`${file}.map`, b.map);
    bundles.push({ h, b, file });
  }

  const reports: HandlerReport[] = [];
  for (const { h, b, file } of bundles) {
    let made: MakeResult | undefined;
    let noCache = b.noCache ?? ('reason' in target ? target.reason : undefined);
    let loadMs: HandlerReport['loadMs'];
    if (!noCache && 'path' in target) {
      const ctx: RunContext = { node: target.path, nodeMajor: o.nodeMajor, memoryMb: o.memoryMb, outDir: out, handler: h.handlers[0]!, env: o.env };
      const spec = {
        file,
        name: join('/var/task', relative(out, file)),
        cache: join(dirname(file), '.lambda-node', `${basename(file)}.cache`),
        header: { ...b.header, memory: o.nodeMajor < 24 ? o.memoryMb : undefined },
        timeoutMs: o.initTimeoutMs,
      };
      mkdirSync(dirname(spec.cache), { recursive: true, mode: 0o755 });
      made = await makeCache(ctx, { ...spec, run: o.run });
      // An init that fails or hangs here (no network, a missing variable) still gets a cache:
      // every function compiled up front, in a fresh process, nothing run.
      if (o.run && made.made !== 'init') made = { ...(await makeCache(ctx, { ...spec, run: false })), error: made.error };
      if (!made.made) noCache = made.error ?? 'the cache maker made nothing';
      if (made.made === 'init' && o.measure) {
        const unbuilt: number[] = [];
        const built: number[] = [];
        for (let i = 0; i < 5; i++) {
          if (!/\.[mc]?ts$/.test(h.entry)) {
            const t = await timeLoad(ctx, h.entry, false, o.initTimeoutMs + 30_000);
            if (t !== undefined) unbuilt.push(t);
          }
          const t = await timeLoad(ctx, file, true, o.initTimeoutMs + 30_000);
          if (t !== undefined) built.push(t);
        }
        loadMs = { unbuilt: unbuilt.length ? median(unbuilt) : undefined, built: built.length ? median(built) : undefined };
      }
    }
    reports.push({
      handlers: h.handlers,
      entry: relative(dir, h.entry),
      output: relative(out, file),
      kind: b.kind,
      inputs: b.inputs,
      bundleBytes: b.code.length,
      cache: made?.made && made.bytes !== undefined ? { bytes: made.bytes, made: made.made } : undefined,
      noCache,
      initError: made?.error,
      loadMs,
      warnings: b.warnings,
    });
  }
  const report: BuildReport = { out, node: version, arch: o.arch, handlers: reports };
  write(join(out, MARKER), `${JSON.stringify({ tool: `lambda-node build ${packageVersion()}`, node: version, arch: o.arch, handlers: reports.map((r) => ({ handlers: r.handlers, entry: r.entry, output: r.output, kind: r.kind, cache: r.cache })) }, null, 2)}\n`);
  return report;
}

const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`);

export function formatReport(r: BuildReport): string {
  const lines = [`lambda-node build: ${r.out} (Node ${r.node}, ${r.arch})`];
  for (const h of r.handlers) {
    lines.push(`  ${h.handlers.join(', ')}: ${h.entry} -> ${h.output} (${h.kind === 'esm' ? 'ES module' : 'CommonJS'})`);
    lines.push(`    bundled ${h.inputs.files} file${h.inputs.files === 1 ? '' : 's'} (${kb(h.inputs.bytes)}) into one (${kb(h.bundleBytes)})`);
    if (h.cache) lines.push(`    code cache ${kb(h.cache.bytes)}, ${h.cache.made === 'init' ? 'made after running init' : 'every function compiled, nothing run'}`);
    else lines.push(`    no code cache: ${h.noCache}`);
    if (h.initError) lines.push(`    init failed at build time (${h.initError.split('\n')[0]}): the cache covers every function instead of what init runs`);
    if (h.loadMs?.built !== undefined) {
      const before = h.loadMs.unbuilt !== undefined ? `${h.loadMs.unbuilt.toFixed(1)} ms unbuilt -> ` : '';
      lines.push(`    module load in a fresh process (median of 5): ${before}${h.loadMs.built.toFixed(1)} ms built`);
    }
    for (const w of h.warnings) lines.push(`    esbuild: ${w}`);
  }
  return lines.join('\n');
}
