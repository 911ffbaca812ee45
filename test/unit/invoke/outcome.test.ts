import { describe, expect, it } from 'vitest';
import { serialize } from '../../../src/invoke/outcome.ts';
import { RuntimeError } from '../../../src/errors/runtime-errors.ts';

describe('serialize', () => {
  it.each([4, 3] as const)('flavour %i: JSON, undefined becomes null', (flavour) => {
    expect(serialize(undefined, flavour)).toBe('null');
    expect(serialize(null, flavour)).toBe('null');
    expect(serialize({ a: [1, 'x'] }, flavour)).toBe('{"a":[1,"x"]}');
    expect(serialize('s', flavour)).toBe('"s"');
    expect(serialize({ toJSON: () => 'custom' }, flavour)).toBe('"custom"');
  });

  it('4.x: a result that cannot be stringified is Runtime.JSONStringifyError', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const bad of [circular, { n: 1n }]) {
      let err: unknown;
      try {
        serialize(bad, 4);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RuntimeError);
      expect((err as RuntimeError).name).toBe('Runtime.JSONStringifyError');
      expect((err as RuntimeError).message).toBe('Unable to stringify response body');
    }
  });

  it('3.x: a plain Error with the same message', () => {
    let err: unknown;
    try {
      serialize({ n: 1n }, 3);
    } catch (e) {
      err = e;
    }
    expect(err).not.toBeInstanceOf(RuntimeError);
    expect((err as Error).name).toBe('Error');
    expect((err as Error).message).toBe('Unable to stringify response body');
  });
});
