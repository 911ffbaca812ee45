import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, patchConsole, type LoggerOptions } from '../../../src/logging/console-patch.ts';
import { LEVELS, type Level } from '../../../src/logging/format.ts';
import type { LogSink } from '../../../src/logging/sink.ts';

interface Written {
  level: Level;
  record: string;
  json: boolean;
}

function capture(): { sink: LogSink; written: Written[] } {
  const written: Written[] = [];
  return { written, sink: { write: (level, _now, record, json) => written.push({ level, record, json }) } };
}

function options(over: Partial<LoggerOptions> & { sink: LogSink }): LoggerOptions {
  return { flavour: 4, json: false, minLevel: LEVELS.TRACE, context: { requestId: () => 'rid', tenantId: () => 'tid' }, ...over };
}

describe('createLogger', () => {
  it('text records through the sink, with the current request id', () => {
    const { sink, written } = capture();
    let id = 'first';
    const logger = createLogger(options({ sink, context: { requestId: () => id, tenantId: () => undefined } }));
    logger.log(LEVELS.INFO, 'hello %s', 'you');
    id = 'second';
    logger.log(LEVELS.WARN, 'again');
    expect(written.map((w) => [w.level.name, w.json, w.record.split('\t').slice(1)])).toEqual([
      ['INFO', false, ['first', 'INFO', 'hello you']],
      ['WARN', false, ['second', 'WARN', 'again']],
    ]);
    expect(written[0]?.record.split('\t')[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('JSON records carry requestId and tenantId', () => {
    const { sink, written } = capture();
    createLogger(options({ sink, json: true })).log(LEVELS.ERROR, 'm');
    expect(written[0]?.json).toBe(true);
    expect(JSON.parse(written[0]?.record ?? '')).toMatchObject({ level: 'ERROR', requestId: 'rid', tenantId: 'tid', message: 'm' });
  });

  it('records below the minimum level are dropped', () => {
    const { sink, written } = capture();
    const logger = createLogger(options({ sink, minLevel: LEVELS.WARN }));
    for (const level of Object.values(LEVELS)) logger.log(level, level.name);
    expect(written.map((w) => w.level.name)).toEqual(['WARN', 'ERROR', 'FATAL']);
  });
});

describe('logError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('text: console.error(label, TAB + error JSON); a non-Error is wrapped first', () => {
    const { sink } = capture();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logger = createLogger(options({ sink }));
    logger.logError('Invoke Error', new TypeError('bad'));
    logger.logError('Invoke Error', 'just a string');
    const [label, formatted] = error.mock.calls[0] as [string, string];
    expect(label).toBe('Invoke Error');
    expect(formatted.startsWith('\t')).toBe(true);
    expect(JSON.parse(formatted.slice(1))).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad' });
    expect(JSON.parse((error.mock.calls[1] as [string, string])[1].slice(1))).toMatchObject({ errorType: 'Error', errorMessage: 'just a string' });
  });

  it('JSON: console.error(error) alone, the label is not logged', () => {
    const { sink } = capture();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const err = new RangeError('r');
    createLogger(options({ sink, json: true })).logError('Invoke Error', err);
    expect(error.mock.calls[0]).toEqual([err]);
  });
});

describe('patchConsole', () => {
  const methods = ['trace', 'debug', 'info', 'warn', 'error', 'log'] as const;
  const saved = Object.fromEntries(methods.map((m) => [m, console[m]]));
  const c = console as Console & { fatal?: (...a: unknown[]) => void };
  afterEach(() => {
    Object.assign(console, saved);
    delete c.fatal;
  });

  it('maps each console method to its level (log is info, fatal is added); below the minimum is a no-op', () => {
    const { sink, written } = capture();
    const logger = createLogger(options({ sink, minLevel: LEVELS.DEBUG }));
    patchConsole(logger, LEVELS.DEBUG);
    console.trace('t');
    console.debug('d');
    console.info('i');
    console.log('l');
    console.warn('w');
    console.error('e');
    c.fatal?.('f');
    Object.assign(console, saved);
    expect(written.map((w) => [w.level.name, w.record.split('\t')[3]])).toEqual([
      ['DEBUG', 'd'],
      ['INFO', 'i'],
      ['INFO', 'l'],
      ['WARN', 'w'],
      ['ERROR', 'e'],
      ['FATAL', 'f'],
    ]);
  });
});
