// globalThis.gc, as the managed runtime's `--expose-gc` gives it, without that flag's start-up
// cost: a V8 flag on the command line changes V8's flag hash, Node then rejects its embedded code
// cache for its own built-in modules and compiles them at every cold start (~5 ms, measured:
// spawn to first /next 34.3 ms with the flag, 28.8 ms without). The function is made on first use,
// and node:v8 is loaded only then: loading it costs ~1.5 ms of every cold start otherwise.

function define(value: unknown): void {
  Object.defineProperty(globalThis, 'gc', { value, writable: true, enumerable: false, configurable: true });
}

export function exposeGcLazily(): void {
  if ('gc' in globalThis) return; // node started with --expose-gc (e.g. through NODE_OPTIONS)
  Object.defineProperty(globalThis, 'gc', {
    enumerable: false,
    configurable: true,
    get() {
      process.getBuiltinModule('node:v8').setFlagsFromString('--expose-gc');
      const gc: unknown = process.getBuiltinModule('node:vm').runInNewContext('gc');
      define(gc);
      return gc;
    },
    set: define,
  });
}
