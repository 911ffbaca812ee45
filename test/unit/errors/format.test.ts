import { describe, expect, it } from 'vitest';
import { formatError, formatXRayCause, intoError, toFormatted, type Flavour } from '../../../src/errors/format.ts';
import { RuntimeError } from '../../../src/errors/runtime-errors.ts';

const FLAVOURS: Flavour[] = [4, 3];
const HANDLED =
  'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack';

class MyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MyError';
  }
}

describe.each(FLAVOURS)('formatError, flavour %i', (flavour) => {
  it('an Error: name, message, stack lines', () => {
    const err = new Error('boom');
    expect(formatError(err, flavour)).toEqual({ errorType: 'Error', errorMessage: 'boom', trace: (err.stack as string).split('\n') });
  });

  it('a subclass keeps its own name', () => {
    const err = new MyError('bad thing');
    const f = formatError(err, flavour);
    expect(f.errorType).toBe('MyError');
    expect(f.errorMessage).toBe('bad thing');
    expect(f.trace?.[0]).toBe('MyError: bad thing');
    expect(f.trace?.length).toBeGreaterThan(1);
  });

  it('a RuntimeError carries its official errorType as the name', () => {
    const f = formatError(new RuntimeError('Runtime.ImportModuleError', 'nope', flavour === 4), flavour);
    expect(f.errorType).toBe('Runtime.ImportModuleError');
    expect(f.errorMessage).toBe('nope');
  });

  it('DEL characters become %7F in type, message and trace', () => {
    const err = new Error('a\x7Fb');
    err.name = 'N\x7F';
    const f = formatError(err, flavour);
    expect(f.errorType).toBe('N%7F');
    expect(f.errorMessage).toBe('a%7Fb');
    expect(f.trace?.join('\n')).not.toContain('\x7F');
  });

  it('a string: typeof, the string, empty trace', () => {
    expect(formatError('just a string', flavour)).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] });
  });

  it('a number and a plain object', () => {
    expect(formatError(42, flavour)).toEqual({ errorType: 'number', errorMessage: '42', trace: [] });
    expect(formatError({ a: 1 }, flavour)).toEqual({ errorType: 'object', errorMessage: '[object Object]', trace: [] });
  });

  it('an object whose toString throws never makes formatError throw', () => {
    const evil = {
      toString() {
        throw new Error('no');
      },
    };
    const f = formatError(evil, flavour);
    expect(f.errorType).toBe('handled');
    expect(f.errorMessage).toBe(HANDLED);
  });
});

describe('formatError: where the two lines differ', () => {
  it('null and undefined: 4.x String()s them, 3.x fails into "handled" without a trace', () => {
    expect(formatError(null, 4)).toEqual({ errorType: 'object', errorMessage: 'null', trace: [] });
    expect(formatError(undefined, 4)).toEqual({ errorType: 'undefined', errorMessage: 'undefined', trace: [] });
    expect(formatError(null, 3)).toEqual({ errorType: 'handled', errorMessage: HANDLED });
    expect(formatError(undefined, 3)).toEqual({ errorType: 'handled', errorMessage: HANDLED });
  });

  it('an error-like object (string name, message, stack): 3.x treats it as an Error, 4.x does not', () => {
    const like = { name: 'Fake', message: 'looks like one', stack: 'Fake: looks like one\n    at x (/f.js:1:1)' };
    expect(formatError(like, 3)).toEqual({ errorType: 'Fake', errorMessage: 'looks like one', trace: like.stack.split('\n') });
    expect(formatError(like, 4)).toEqual({ errorType: 'object', errorMessage: '[object Object]', trace: [] });
  });

  it('an Error without a stack: 4.x gives an empty trace, 3.x falls back to "handled"', () => {
    const err = new Error('no stack');
    delete (err as { stack?: string }).stack;
    Object.defineProperty(err, 'stack', { value: undefined });
    expect(formatError(err, 4)).toEqual({ errorType: 'Error', errorMessage: 'no stack', trace: [] });
    expect(formatError(err, 3)).toEqual({ errorType: 'handled', errorMessage: HANDLED });
  });

  it('an Error whose name getter throws: "handled" (4.x with an empty trace)', () => {
    const err = new Error('x');
    Object.defineProperty(err, 'name', {
      get() {
        throw new Error('getter');
      },
    });
    expect(formatError(err, 4)).toEqual({ errorType: 'handled', errorMessage: HANDLED, trace: [] });
    expect(formatError(err, 3)).toEqual({ errorType: 'handled', errorMessage: HANDLED });
  });
});

describe('intoError', () => {
  it('keeps Errors, wraps anything else', () => {
    const err = new MyError('m');
    expect(intoError(err, 4)).toBe(err);
    expect(intoError(err, 3)).toBe(err);
    expect(intoError('s', 4).message).toBe('s');
    expect(intoError('s', 3).message).toBe('s');
    expect(intoError(undefined, 4).message).toBe('undefined');
    expect(intoError(undefined, 3).message).toBe('');
  });
});

describe.each(FLAVOURS)('toFormatted, flavour %i', (flavour) => {
  it('a tab, then the error JSON with errorType, errorMessage, own fields and stack lines', () => {
    const err = Object.assign(new MyError('bad'), { code: 'E_BAD', detail: { n: 1 } });
    const out = toFormatted(err, flavour);
    expect(out.startsWith('\t{')).toBe(true);
    const parsed = JSON.parse(out.slice(1));
    expect(parsed).toEqual({
      errorType: 'MyError',
      errorMessage: 'bad',
      code: 'E_BAD',
      name: 'MyError',
      detail: { n: 1 },
      stack: (err.stack as string).split('\n'),
    });
    expect(Object.keys(parsed).slice(0, 3)).toEqual(['errorType', 'errorMessage', 'code']);
  });

  it('a circular error falls back to the formatError shape', () => {
    const err = new Error('loop') as Error & { self?: unknown };
    err.self = err;
    const parsed = JSON.parse(toFormatted(err, flavour).slice(1));
    expect(parsed.errorType).toBe('Error');
    expect(parsed.errorMessage).toBe('loop');
    expect(Array.isArray(parsed.trace)).toBe(true);
  });
});

describe('formatXRayCause', () => {
  it('describes the error: working directory, one exception with parsed stack, unique paths', () => {
    const err = new MyError('xr');
    err.stack = [
      'MyError: xr',
      '    at handler (/var/task/index.js:10:5)',
      '    at helper (/var/task/lib.js:3:1)',
      '    at /var/task/index.js:12:7',
    ].join('\n');
    const doc = JSON.parse(formatXRayCause(err));
    expect(doc).toEqual({
      working_directory: process.cwd(),
      exceptions: [
        {
          type: 'MyError',
          message: 'xr',
          stack: [
            { path: '/var/task/index.js', line: 10, label: 'handler' },
            { path: '/var/task/lib.js', line: 3, label: 'helper' },
            { path: '/var/task/index.js', line: 12, label: 'anonymous' },
          ],
        },
      ],
      paths: ['/var/task/index.js', '/var/task/lib.js'],
    });
  });

  it('never throws: null, undefined, strings, hostile getters', () => {
    expect(formatXRayCause(null)).toBe('');
    expect(formatXRayCause(undefined)).toBe('');
    const hostile = {
      get name() {
        throw new Error('no');
      },
    };
    expect(formatXRayCause(hostile)).toBe('');
    const s = JSON.parse(formatXRayCause('a string'));
    expect(s.exceptions).toEqual([{ stack: [] }]);
    expect(s.paths).toEqual([]);
  });
});
