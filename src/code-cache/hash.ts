// A 64-bit hash of a file's bytes, to tell a code cache from a stale or damaged one before V8 reads
// it. V8 checks only a cache's version, flags and the source's length: a cache for an edited file
// of the same length is accepted, and a damaged payload aborts the process in a release build
// (measured: one flipped word, SIGTRAP "unreachable code"). So every cache carries the hash of the
// source it was made from and of its own payload.
//
// This early in a process JavaScript runs in the interpreter (a plain loop: 0.6 ms for 64 KB) and
// node:zlib or node:crypto cost 1-2 ms to load, so the hash is one WebAssembly function, 177 bytes:
// ~0.3 ms to instantiate (once), ~0.5 ms per MB. Not cryptographic: it guards against accidents,
// not attackers (whoever can change the cache can change the code). The module, in text form:
//
//   (module
//     (memory (export "m") 1)
//     (func (export "h") (param $len i32) (result i64)
//       (local $i i32) (local $end i32) (local $h i64)
//       (local.set $h (i64.xor (i64.extend_i32_u (local.get $len)) (i64.const 0xcbf29ce484222325)))
//       (local.set $end (i32.and (local.get $len) (i32.const -8)))
//       (block (loop                                  ;; 8 bytes at a time, little-endian words
//         (br_if 1 (i32.ge_u (local.get $i) (local.get $end)))
//         (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $i))) (i64.const 0x9e3779b97f4a7c15)))
//         (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))
//         (local.set $i (i32.add (local.get $i) (i32.const 8)))
//         (br 0)))
//       (block (loop                                  ;; the last 0-7 bytes, one at a time
//         (br_if 1 (i32.ge_u (local.get $i) (local.get $len)))
//         (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load8_u (local.get $i))) (i64.const 0x9e3779b97f4a7c15)))
//         (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))
//         (local.set $i (i32.add (local.get $i) (i32.const 1)))
//         (br 0)))
//       (local.get $h)))
//
// test/unit/code-cache/hash.test.ts checks these bytes against that definition written in BigInt.
const MODULE =
  'AGFzbQEAAAABBgFgAX8BfgMCAQAFAwEAAQcJAgFtAgABaAAACooBAYcBAgJ/AX4gAK1CpcaIocicp/lLhSEDIABBeHEhAgJAA0AgASACTw0BIAMg' +
  'ASkDAIVClfip+pe33puef34iAyADQiCIhSEDIAFBCGohAQwACwsCQANAIAEgAE8NASADIAExAACFQpX4qfqXt96bnn9+IgMgA0IgiIUhAyABQQFq' +
  'IQEMAAsLIAML';

// The global is there on every Node but one started with --jitless; the project's TypeScript lib
// (es2023, no DOM) does not declare it.
declare const WebAssembly: {
  Instance: new (module: unknown) => { exports: unknown };
  Module: new (bytes: Uint8Array) => unknown;
};
interface HashModule {
  readonly m: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly h: (len: number) => bigint;
}

/** False under --jitless, where V8 would not take a code cache made without that flag anyway. */
export const canHash = typeof WebAssembly === 'object';

const PAGE = 65536;
let wasm: HashModule | undefined;

/** Lets the WebAssembly memory go: it grows to the largest input hashed (a bundle: about a MB). */
export function releaseHashMemory(): void {
  wasm = undefined;
}

/** The hash of `bytes` as 16 hex digits. */
export function hashBytes(bytes: Uint8Array): string {
  wasm ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(MODULE, 'base64'))).exports as HashModule;
  const { m, h } = wasm;
  const missing = Math.ceil(bytes.length / PAGE) - m.buffer.byteLength / PAGE;
  if (missing > 0) m.grow(missing);
  new Uint8Array(m.buffer).set(bytes);
  return BigInt.asUintN(64, h(bytes.length)).toString(16).padStart(16, '0');
}
