import { describe, expect, it } from 'vitest';
import { parseHandler } from '../../../src/handler/parse.ts';
import { RuntimeError } from '../../../src/errors/runtime-errors.ts';

function thrown(fn: () => unknown): RuntimeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RuntimeError);
    return err as RuntimeError;
  }
  throw new Error('expected a throw');
}

describe('parseHandler', () => {
  it.each([
    ['index.handler', { moduleRoot: '', moduleName: 'index', handlerPath: 'handler' }],
    ['dir/sub/module.export.nested.fn', { moduleRoot: 'dir/sub', moduleName: 'module', handlerPath: 'export.nested.fn' }],
    ['src/app.handler', { moduleRoot: 'src', moduleName: 'app', handlerPath: 'handler' }],
    ['/abs/path/mod.run', { moduleRoot: '/abs/path', moduleName: 'mod', handlerPath: 'run' }],
    // The module name ends at the first dot of the last segment: no file extensions in _HANDLER.
    ['index.mjs.handler', { moduleRoot: '', moduleName: 'index', handlerPath: 'mjs.handler' }],
    // An empty module name or property path still parses (the lookup fails later, at load/resolve).
    ['.handler', { moduleRoot: '', moduleName: '', handlerPath: 'handler' }],
    ['index.', { moduleRoot: '', moduleName: 'index', handlerPath: '' }],
  ])('%s', (full, expected) => {
    expect(parseHandler(full, true)).toEqual({ full, ...expected });
  });

  it("rejects '..' with the official message, on both lines", () => {
    for (const ownName of [true, false]) {
      const err = thrown(() => parseHandler('../outside/index.handler', ownName));
      expect(err.errorType).toBe('Runtime.MalformedHandlerName');
      expect(err.name).toBe('Runtime.MalformedHandlerName');
      expect(err.message).toBe(
        "'../outside/index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.",
      );
    }
  });

  it("rejects '..' anywhere, even inside the property path", () => {
    expect(thrown(() => parseHandler('index..handler', true)).errorType).toBe('Runtime.MalformedHandlerName');
    expect(thrown(() => parseHandler('a/../b.handler', true)).message).toContain("'a/../b.handler' is not a valid handler name");
  });

  it.each(['index', 'dir/index', '', 'dir.with.dots/index'])("rejects %j as 'Bad handler'", (full) => {
    const err = thrown(() => parseHandler(full, true));
    expect(err.errorType).toBe('Runtime.MalformedHandlerName');
    expect(err.message).toBe('Bad handler');
  });

  it('4.x puts the name on the instance (enumerable), 3.x does not', () => {
    const v4 = thrown(() => parseHandler('nodot', true));
    const v3 = thrown(() => parseHandler('nodot', false));
    expect(Object.keys(v4)).toContain('name');
    expect(Object.keys(v3)).not.toContain('name');
    expect(v3.name).toBe('Runtime.MalformedHandlerName');
    expect(JSON.parse(JSON.stringify(v4))).toEqual({ name: 'Runtime.MalformedHandlerName' });
    expect(JSON.parse(JSON.stringify(v3))).toEqual({});
  });
});
