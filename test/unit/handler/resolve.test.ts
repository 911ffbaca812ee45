import { describe, expect, it } from 'vitest';
import { resolveHandler } from '../../../src/handler/resolve.ts';
import { parseHandler } from '../../../src/handler/parse.ts';
import { RuntimeError } from '../../../src/errors/runtime-errors.ts';

const fn = async () => 'ok';
const name = (full: string) => parseHandler(full, true);

function notFound(mod: unknown, full: string, flavour: 3 | 4): RuntimeError {
  try {
    resolveHandler(mod, name(full), flavour);
  } catch (err) {
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).errorType).toBe('Runtime.HandlerNotFound');
    return err as RuntimeError;
  }
  throw new Error('expected HandlerNotFound');
}

describe('resolveHandler', () => {
  it.each([4, 3] as const)('flavour %i: a property path into the module', (flavour) => {
    expect(resolveHandler({ handler: fn }, name('index.handler'), flavour)).toBe(fn);
    expect(resolveHandler({ a: { b: { c: fn } } }, name('index.a.b.c'), flavour)).toBe(fn);
  });

  it.each([4, 3] as const)('flavour %i: missing -> "is undefined or not exported"; not a function -> "is not a function"', (flavour) => {
    expect(notFound({}, 'index.handler', flavour).message).toBe('index.handler is undefined or not exported');
    expect(notFound({ a: {} }, 'dir/index.a.b', flavour).message).toBe('dir/index.a.b is undefined or not exported');
    expect(notFound({ handler: 42 }, 'index.handler', flavour).message).toBe('index.handler is not a function');
  });

  it('4.x also looks under default (ES module default export, or module.exports seen through import)', () => {
    expect(resolveHandler({ default: { handler: fn } }, name('index.handler'), 4)).toBe(fn);
    expect(notFound({ default: { handler: fn } }, 'index.handler', 3).message).toBe('index.handler is undefined or not exported');
  });

  it('a property of a function: 3.x descends into it, 4.x does not', () => {
    const holder = Object.assign(() => {}, { inner: fn });
    expect(resolveHandler({ holder }, name('index.holder.inner'), 3)).toBe(fn);
    expect(notFound({ holder }, 'index.holder.inner', 4).message).toBe('index.holder.inner is undefined or not exported');
  });
});
