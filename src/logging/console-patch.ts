// Replaces the global console's methods (only the global console: libraries that build their own
// Console on process.stdout/stderr print raw lines, as under the official runtime).
import { formatJson, formatText, LEVELS, type Level } from './format.ts';
import type { LogSink } from './sink.ts';
import { intoError, toFormatted, type Flavour } from '../errors/format.ts';

export interface LogContext {
  requestId(): string | undefined;
  tenantId(): string | undefined;
}

export interface Logger {
  /** A record from the runtime itself, in the active format, filtered by level like console. */
  log(level: Level, message: unknown, ...params: unknown[]): void;
  /** The official "structured console" error record: `label \t{error JSON}` in text, the error in JSON. */
  logError(label: string, error: unknown): void;
}

export interface LoggerOptions {
  readonly flavour: Flavour;
  readonly json: boolean;
  readonly minLevel: Level;
  readonly sink: LogSink;
  readonly context: LogContext;
  /**
   * The shape of logError: a JSON record of the error itself, or the text label and error JSON as
   * its message. Defaults to `json`; Managed Instances write JSON records always but keep the
   * shape AWS_LAMBDA_LOG_FORMAT asks for here, as aws-lambda-ric 4.x does.
   */
  readonly errorsJson?: boolean;
}

export function createLogger(o: LoggerOptions): Logger {
  const log = (level: Level, message: unknown, ...params: unknown[]) => {
    if (level.priority < o.minLevel.priority) return;
    const now = new Date();
    const time = now.toISOString();
    const record = o.json
      ? formatJson(o.flavour, time, o.context.requestId(), o.context.tenantId(), level, message, params)
      : formatText(time, o.context.requestId(), level, message, params);
    o.sink.write(level, now, record, o.json);
  };
  return {
    log,
    // Through the (patched) global console.error, as the official runtime does.
    logError: (o.errorsJson ?? o.json)
      ? (_label, error) => console.error(intoError(error, o.flavour))
      : (label, error) => console.error(label, toFormatted(intoError(error, o.flavour), o.flavour)),
  };
}

const nop = () => {};

export function patchConsole(logger: Logger, minLevel: Level): void {
  const method = (level: Level) =>
    level.priority < minLevel.priority ? nop : (message?: unknown, ...params: unknown[]) => logger.log(level, message, ...params);
  const c = console as Console & { fatal?: (...args: unknown[]) => void };
  c.trace = method(LEVELS.TRACE);
  c.debug = method(LEVELS.DEBUG);
  c.info = method(LEVELS.INFO);
  c.warn = method(LEVELS.WARN);
  c.error = method(LEVELS.ERROR);
  c.fatal = method(LEVELS.FATAL);
  c.log = c.info;
}
