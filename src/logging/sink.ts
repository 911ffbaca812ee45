// Where log records go: stdout (one line each, inner newlines turned into CR so a multi-line
// message stays one CloudWatch record), or the telemetry file descriptor Lambda hands over in
// _LAMBDA_TELEMETRY_LOG_FD, framed as
//   frame type (4 bytes) | length (4) | timestamp in microseconds (8) | message, big-endian.
import { writeSync } from 'node:fs';
import type { Level } from './format.ts';

export interface LogSink {
  write(level: Level, now: Date, record: string, json: boolean): void;
}

const FRAME_TEXT = 0xa55a0003;
const FRAME_JSON = 0xa55a0002;

export const stdoutSink: LogSink = {
  write(_level, _now, record) {
    process.stdout.write(record.replace(/\n/g, '\r') + '\n');
  },
};

/**
 * Managed Instances: one line per record written straight to a file descriptor (the one the
 * platform's log socket handed over, else stdout), synchronously from whichever thread logs, as
 * aws-lambda-ric 4.x does there.
 */
export function fdSink(fd: number): LogSink {
  return {
    write(_level, _now, record) {
      writeAll(fd, Buffer.from(record.replace(/\n/g, '\r') + '\n'));
    },
  };
}

/** writeSync until all is written; a non-blocking descriptor that is full (EAGAIN) is retried. */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

export function telemetrySink(fd: number): LogSink {
  return {
    write(level, now, record, json) {
      const message = json ? record : record + '\n';
      const length = Buffer.byteLength(message);
      const frame = Buffer.allocUnsafe(16 + length);
      frame.writeUInt32BE(((json ? FRAME_JSON : FRAME_TEXT) | level.tlvMask) >>> 0, 0);
      frame.writeInt32BE(length, 4);
      frame.writeBigInt64BE(BigInt(now.valueOf()) * 1000n, 8);
      frame.write(message, 16, 'utf8');
      writeAll(fd, frame);
    },
  };
}
