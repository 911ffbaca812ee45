// Functions built by `lambda-node build` carry a V8 code cache beside each handler module:
// <dir>/.lambda-node/<file>.cache. When the module file the official lookup chose has one that
// fits (this Node, this architecture, the file unchanged, the payload intact), the module's code is
// compiled from it and run here, and what the official loader would have returned is handed back:
// module.exports for require(), the namespace for import(). Without a cache the file is loaded the
// usual way, and it is a complete module on its own, so any problem only costs the speed-up:
// a cache that cannot be used is reported once and ignored, never fatal.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CacheProblem, decodeCache, type CacheHeader } from '../code-cache/format.ts';
import { canHash, releaseHashMemory } from '../code-cache/hash.ts';
import { commonJsNamespace, compileUserScript, evaluateUserScript } from '../code-cache/script.ts';
import { LEVELS } from '../logging/format.ts';
import type { Logger } from '../logging/console-patch.ts';

/** 'skipped': on purpose (source maps on), said only under LAMBDA_NODE_DEBUG. */
export type CacheStatus = 'hit' | 'skipped' | 'rejected' | 'stale' | 'corrupt' | 'foreign';

export interface CacheReport {
  readonly file: string;
  readonly status: CacheStatus;
  readonly detail: string;
}

export type OnCacheReport = (report: CacheReport) => void;

/** How the official loader would load the file: it decides what the caller gets back. */
export type LoadStyle = 'import' | 'require';

export function builtCachePath(file: string): string {
  return join(dirname(file), '.lambda-node', `${basename(file)}.cache`);
}

/** The loaded module, or undefined when the file has no code cache to use (load it the usual way). */
export function loadBuilt(file: string, style: LoadStyle, report: OnCacheReport | undefined): Promise<unknown> | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(builtCachePath(file));
  } catch {
    return undefined;
  }
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) {
    // Node maps stack traces only for code its own loaders compiled, not for vm scripts.
    report?.({ file, status: 'skipped', detail: 'source maps are on (--enable-source-maps): Node loads the module itself so that its stack traces are mapped' });
    return undefined;
  }
  if (!canHash) {
    report?.({ file, status: 'rejected', detail: 'WebAssembly is off (--jitless), and V8 takes no cache under that flag' });
    return undefined;
  }
  let header: CacheHeader;
  let compiled: ReturnType<typeof compileUserScript>;
  try {
    const source = readFileSync(file);
    const decoded = decodeCache(bytes, source, ['cjs', 'esm']);
    header = decoded.header;
    compiled = compileUserScript(file, source, header, decoded.data);
  } catch (err) {
    const status = err instanceof CacheProblem ? err.fault : 'corrupt';
    report?.({ file, status, detail: err instanceof Error ? err.message : String(err) });
    return undefined;
  } finally {
    releaseHashMemory();
  }
  if (compiled.cachedDataRejected) {
    // V8 compiled the source itself (its flags differ from the build's); the code runs the same.
    const memory = header.memory !== undefined ? `, or the function's memory: it was made for ${header.memory} MB, and Node 22 counts the heap flags` : '';
    report?.({ file, status: 'rejected', detail: `V8 rejected it: its flags differ from those the cache was made with (NODE_OPTIONS?${memory})` });
  } else {
    report?.({ file, status: 'hit', detail: `${header.data.bytes} bytes, made ${header.made ?? 'init'}` });
  }
  return evaluateUserScript(compiled, file, header).then((exports) =>
    header.kind === 'cjs' && style === 'import' ? commonJsNamespace(exports, header.exports ?? []) : exports,
  );
}

/**
 * The runtime's report of a built function's code cache: used silently; one warning when it is
 * there but cannot be used (LAMBDA_NODE_DEBUG=code-cache: one stderr line in every case).
 */
export function reportCodeCache(debug: boolean, logger: Logger): OnCacheReport {
  return (r) => {
    if (debug) process.stderr.write(`lambda-node: code cache ${r.status}: ${r.file} (${r.detail})\n`);
    if (r.status === 'hit' || r.status === 'skipped') return;
    const advice = r.status === 'rejected' ? '' : '; rebuild the function with lambda-node build';
    logger.log(LEVELS.WARN, `lambda-node: the code cache for ${r.file} is not used (${r.status}: ${r.detail})${advice}`);
  };
}
