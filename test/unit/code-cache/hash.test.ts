// The WebAssembly hash in src/code-cache/hash.ts against its definition (the WAT in that file's
// comment), written here in BigInt.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashBytes, releaseHashMemory } from '../../../src/code-cache/hash.ts';

const M = (1n << 64n) - 1n;
const K0 = 0xcbf29ce484222325n;
const P = 0x9e3779b97f4a7c15n;

function reference(data: Uint8Array): string {
  const mix = (h: bigint, v: bigint) => {
    const t = ((h ^ v) * P) & M;
    return t ^ (t >> 32n);
  };
  let h = BigInt(data.length) ^ K0;
  const words = data.length & ~7;
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  let i = 0;
  for (; i < words; i += 8) h = mix(h, view.getBigUint64(i, true));
  for (; i < data.length; i++) h = mix(h, BigInt(data[i]!));
  return h.toString(16).padStart(16, '0');
}

describe('hashBytes', () => {
  it.each([0, 1, 7, 8, 9, 100, 65_535, 65_536, 65_537, 3 * 65_536 + 5])('matches its definition for %i bytes', (n) => {
    const data = randomBytes(n);
    expect(hashBytes(data)).toBe(reference(data));
  });

  it('grows its memory for large inputs and still hashes small ones after', () => {
    const big = randomBytes(2 * 1024 * 1024 + 3);
    expect(hashBytes(big)).toBe(reference(big));
    const small = Buffer.from('lambda-node');
    expect(hashBytes(small)).toBe(reference(small));
  });

  it('sees a flipped bit anywhere, a changed length, and a byte moved', () => {
    const data = randomBytes(10_000);
    const base = hashBytes(data);
    for (const at of [0, 7, 8, 4_999, 9_992, 9_999]) {
      const copy = Buffer.from(data);
      copy[at]! ^= 1;
      expect(hashBytes(copy), `bit flipped at ${at}`).not.toBe(base);
    }
    expect(hashBytes(data.subarray(0, 9_999))).not.toBe(base);
    const swapped = Buffer.from(data);
    [swapped[10], swapped[20]] = [data[20]!, data[10]!];
    if (data[10] !== data[20]) expect(hashBytes(swapped)).not.toBe(base);
  });

  it('hashes the same after its memory is let go', () => {
    const data = randomBytes(200_000);
    const before = hashBytes(data);
    releaseHashMemory();
    expect(hashBytes(data)).toBe(before);
    expect(before).toBe(reference(data));
  });

  it('hashes a view of a larger buffer by its own bytes', () => {
    const data = randomBytes(1000);
    expect(hashBytes(data.subarray(3, 500))).toBe(reference(Buffer.from(data.subarray(3, 500))));
  });
});
