import { describe, expect, it } from 'vitest';
import { formatJson, formatText, LEVELS } from '../../../src/logging/format.ts';

const T = '2026-01-02T03:04:05.678Z';
const RID = '8f4a2c1e-0000-4000-8000-000000000001';

describe('LEVELS', () => {
  it('priorities and telemetry masks as the official runtime', () => {
    expect(Object.values(LEVELS).map((l) => [l.name, l.priority, l.tlvMask])).toEqual([
      ['TRACE', 1, 4],
      ['DEBUG', 2, 8],
      ['INFO', 3, 12],
      ['WARN', 4, 16],
      ['ERROR', 5, 20],
      ['FATAL', 6, 24],
    ]);
  });
});

describe('formatText', () => {
  it('time TAB request id TAB LEVEL TAB util.format(message, ...params)', () => {
    expect(formatText(T, RID, LEVELS.INFO, 'hello %s, %d items', ['world', 3], )).toBe(`${T}\t${RID}\tINFO\thello world, 3 items`);
  });

  it('extra params are appended with spaces; objects are inspected', () => {
    expect(formatText(T, RID, LEVELS.WARN, 'a', ['b', { c: 1 }])).toBe(`${T}\t${RID}\tWARN\ta b { c: 1 }`);
  });

  it('no request id: the word undefined, as the official runtime prints it before the first invoke (3.x)', () => {
    expect(formatText(T, undefined, LEVELS.ERROR, 'x', [])).toBe(`${T}\tundefined\tERROR\tx`);
  });

  it('keeps inner newlines (the sink turns them into CR)', () => {
    expect(formatText(T, '-', LEVELS.DEBUG, 'a\nb', [])).toBe(`${T}\t-\tDEBUG\ta\nb`);
  });
});

describe('formatJson', () => {
  const parse = (s: string) => JSON.parse(s) as Record<string, unknown>;

  it('a single message: timestamp, level, requestId, message in that order, message kept as a value', () => {
    const out = formatJson(4, T, RID, undefined, LEVELS.INFO, { a: [1, 2] }, []);
    expect(out).toBe(JSON.stringify({ timestamp: T, level: 'INFO', requestId: RID, message: { a: [1, 2] } }));
  });

  it('with params: util.format into message', () => {
    expect(parse(formatJson(4, T, RID, undefined, LEVELS.INFO, 'n=%d', [5]))).toEqual({ timestamp: T, level: 'INFO', requestId: RID, message: 'n=5' });
  });

  it('tenantId after requestId: 4.x only when non-empty, 3.x whenever not null/undefined', () => {
    expect(Object.keys(parse(formatJson(4, T, RID, 'tenant-1', LEVELS.INFO, 'm', [])))).toEqual(['timestamp', 'level', 'requestId', 'tenantId', 'message']);
    expect(parse(formatJson(4, T, RID, 'tenant-1', LEVELS.INFO, 'm', [])).tenantId).toBe('tenant-1');
    expect(parse(formatJson(3, T, RID, 'tenant-1', LEVELS.INFO, 'm', [])).tenantId).toBe('tenant-1');
    expect('tenantId' in parse(formatJson(4, T, RID, '', LEVELS.INFO, 'm', []))).toBe(false);
    expect(parse(formatJson(3, T, RID, '', LEVELS.INFO, 'm', [])).tenantId).toBe('');
    expect('tenantId' in parse(formatJson(4, T, RID, undefined, LEVELS.INFO, 'm', []))).toBe(false);
    expect('tenantId' in parse(formatJson(3, T, RID, undefined, LEVELS.INFO, 'm', []))).toBe(false);
  });

  it('an Error as the only message: errorType (constructor name), errorMessage, stackTrace, then own fields', () => {
    class MyError extends Error {}
    const err = Object.assign(new MyError('bad'), { code: 'E1' });
    const out = parse(formatJson(4, T, RID, undefined, LEVELS.ERROR, err, []));
    expect(out.message).toEqual({ errorType: 'MyError', errorMessage: 'bad', stackTrace: (err.stack as string).split('\n'), code: 'E1' });
  });

  it('an Error among params: message formatted, error fields at top level (the first Error only)', () => {
    const err = new TypeError('wrong type');
    const second = new RangeError('second');
    const out = parse(formatJson(3, T, RID, undefined, LEVELS.ERROR, 'failed:', [err, second]));
    expect(out.errorType).toBe('TypeError');
    expect(out.errorMessage).toBe('wrong type');
    expect(out.stackTrace).toEqual((err.stack as string).split('\n'));
    expect(String(out.message).startsWith('failed: TypeError: wrong type')).toBe(true);
  });

  it('a message that cannot be stringified falls back to util.format of it', () => {
    const circular: Record<string, unknown> = { name: 'c' };
    circular.self = circular;
    const out = parse(formatJson(4, T, RID, undefined, LEVELS.INFO, circular, []));
    expect(out.message).toBe("<ref *1> { name: 'c', self: [Circular *1] }");
    const big = parse(formatJson(4, T, RID, undefined, LEVELS.INFO, { n: 10n }, []));
    expect(big.message).toBe('{ n: 10n }');
  });

  it('requestId undefined is left out by JSON.stringify', () => {
    expect(Object.keys(parse(formatJson(4, T, undefined, undefined, LEVELS.INFO, 'm', [])))).toEqual(['timestamp', 'level', 'message']);
  });
});
