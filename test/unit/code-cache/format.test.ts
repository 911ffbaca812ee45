// The code cache file: every fault decodeCache must catch before V8 sees the payload, and the
// fault it names (the runtime's warning says it).
import { describe, expect, it } from 'vitest';
import { CacheProblem, decodeCache, encodeCache, MAGIC } from '../../../src/code-cache/format.ts';
import { hashBytes } from '../../../src/code-cache/hash.ts';

const source = Buffer.from('module.exports.handler = async () => "ok";\n');
const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) & 255));
const header = { node: process.version, arch: process.arch, kind: 'cjs' as const, source: { bytes: source.length, hash: hashBytes(source) }, exports: ['handler'] };
const good = encodeCache(header, data);

function fault(file: Buffer, src = source, kinds: ('cjs' | 'esm')[] = ['cjs', 'esm']): string {
  try {
    decodeCache(file, src, kinds);
  } catch (err) {
    if (err instanceof CacheProblem) return `${err.fault}: ${err.message}`;
    throw err;
  }
  return 'accepted';
}

function withHeader(change: (h: Record<string, any>) => void): Buffer {
  const eol = good.indexOf(10, MAGIC.length);
  const h = JSON.parse(good.toString('utf8', MAGIC.length, eol));
  change(h);
  return Buffer.concat([Buffer.from(MAGIC + JSON.stringify(h) + '\n'), good.subarray(eol + 1)]);
}

describe('code cache file', () => {
  it('round-trips: header fields and the payload, byte for byte', () => {
    const { header: h, data: d } = decodeCache(good, source, ['cjs']);
    expect(h).toMatchObject({ ...header, data: { bytes: data.length, hash: hashBytes(data) } });
    expect(Buffer.compare(d, data)).toBe(0);
    expect(good.subarray(0, MAGIC.length).toString()).toBe('lambda-node code cache 1\n');
  });

  it.each([
    ['another file', () => Buffer.from('not a cache at all'), /^corrupt: not a lambda-node code cache/],
    ['an empty file', () => Buffer.alloc(0), /^corrupt: not a lambda-node code cache/],
    ['a header that is not JSON', () => Buffer.concat([Buffer.from(MAGIC + '{"node": \n'), data]), /^corrupt: unreadable header/],
    ['no header line', () => Buffer.from(MAGIC + '{"node":"x"'), /^corrupt: unreadable header \(no header line\)/],
    ['a header without hashes', () => withHeader((h) => delete h.source), /^corrupt: unreadable header \(incomplete header\)/],
    ['a flipped payload byte', () => { const b = Buffer.from(good); b[b.length - 100]! ^= 0x40; return b; }, /^corrupt: the cache payload is damaged/],
    ['a truncated payload', () => good.subarray(0, good.length - 1), /^corrupt: the cache payload is damaged/],
    ['bytes appended', () => Buffer.concat([good, Buffer.from('x')]), /^corrupt: the cache payload is damaged/],
    ['another Node version', () => withHeader((h) => (h.node = 'v22.23.3')), /^foreign: made by Node v22\.23\.3 x64, this is v\d+/],
    ['another architecture', () => withHeader((h) => (h.arch = 'arm64')), /^foreign: made by Node v[\d.]+ arm64/],
    ['another kind of code', () => withHeader((h) => (h.kind = 'runtime')), /^foreign: made for runtime code, not cjs or esm/],
  ])('refuses %s', (_, file, expected) => {
    expect(fault(file())).toMatch(expected);
  });

  it('refuses a changed source, even one of the same length (V8 itself checks only the length)', () => {
    const edited = Buffer.from(source.toString().replace('"ok"', '"no"'));
    expect(edited.length).toBe(source.length);
    expect(fault(good, edited)).toMatch(/^stale: the source changed since the cache was made/);
    expect(fault(good, Buffer.concat([source, Buffer.from(' ')]))).toMatch(/^stale/);
  });

  it('names the kinds it was asked for', () => {
    expect(fault(good, source, ['esm'])).toMatch(/^foreign: made for cjs code, not esm/);
  });
});
