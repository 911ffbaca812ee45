// The code cache file: one line naming the format, one line of JSON saying what the cache was made
// from and by, then V8's code cache bytes (from vm.Script#createCachedData). Readable with `head -2`.
//
// V8's own checks (its version, the V8 flags, the source's length) still run when the script is
// compiled; these are the ones V8 does not make: which Node and architecture made it, whether the
// source is the one it was made from, and whether the payload is intact.
import { hashBytes } from './hash.ts';

export const MAGIC = 'lambda-node code cache 1\n';

export type CacheKind = 'cjs' | 'esm';

export interface CacheHeader {
  /** process.version and process.arch of the Node that made it. */
  readonly node: string;
  readonly arch: string;
  readonly kind: CacheKind;
  /** The file the script comes from, as bytes on disk. */
  readonly source: { readonly bytes: number; readonly hash: string };
  /** The V8 code cache that follows the header. */
  readonly data: { readonly bytes: number; readonly hash: string };
  /** esm: where the function expression that is compiled sits in the file: [start, end) in bytes, and its first line (0-based). */
  readonly range?: readonly [number, number];
  readonly line?: number;
  /** cjs: the names Node's import() lists for module.exports (cjs-module-lexer), without 'default'. */
  readonly exports?: readonly string[];
  /** The code has a dynamic import() that the bundler left in place. */
  readonly dynamicImport?: boolean;
  /**
   * Node 22: the function memory (MB) the cache was made for. Node 22's V8 counts the heap flags,
   * which the bootstrap derives from the memory size, among the flags a cache must match.
   */
  readonly memory?: number;
  /** How the cache was made: 'init' (after running the module's init), 'eager' (every function compiled, nothing run). */
  readonly made?: 'init' | 'eager';
}

export type CacheFault = 'corrupt' | 'foreign' | 'stale';

export class CacheProblem extends Error {
  constructor(
    readonly fault: CacheFault,
    message: string,
  ) {
    super(message);
  }
}

export function encodeCache(header: Omit<CacheHeader, 'data'>, data: Uint8Array): Buffer {
  const full: CacheHeader = { ...header, data: { bytes: data.length, hash: hashBytes(data) } };
  return Buffer.concat([Buffer.from(MAGIC + JSON.stringify(full) + '\n', 'utf8'), data]);
}

/**
 * The header and V8 payload of a cache file, checked against the source it claims to be for and
 * the running Node. Throws a CacheProblem saying what is wrong; never hands V8 a payload that
 * fails its hash.
 */
export function decodeCache(file: Uint8Array, source: Uint8Array, kinds: readonly CacheKind[]): { header: CacheHeader; data: Buffer } {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.length);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new CacheProblem('corrupt', 'not a lambda-node code cache');
  const eol = buf.indexOf(10, MAGIC.length);
  let header: CacheHeader;
  try {
    if (eol < 0) throw new Error('no header line');
    header = JSON.parse(buf.toString('utf8', MAGIC.length, eol));
    if (!header || typeof header.source?.hash !== 'string' || typeof header.data?.hash !== 'string') throw new Error('incomplete header');
  } catch (err) {
    throw new CacheProblem('corrupt', `unreadable header (${(err as Error).message})`);
  }
  if (!kinds.includes(header.kind)) throw new CacheProblem('foreign', `made for ${String(header.kind)} code, not ${kinds.join(' or ')}`);
  if (header.node !== process.version || header.arch !== process.arch) {
    throw new CacheProblem('foreign', `made by Node ${String(header.node)} ${String(header.arch)}, this is ${process.version} ${process.arch}`);
  }
  if (header.source.bytes !== source.length || header.source.hash !== hashBytes(source)) {
    throw new CacheProblem('stale', 'the source changed since the cache was made');
  }
  const data = buf.subarray(eol + 1);
  if (header.data.bytes !== data.length || header.data.hash !== hashBytes(data)) throw new CacheProblem('corrupt', 'the cache payload is damaged');
  return { header, data };
}
