import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stdoutSink, telemetrySink } from '../../../src/logging/sink.ts';
import { LEVELS } from '../../../src/logging/format.ts';

interface Frame {
  type: number;
  length: number;
  micros: bigint;
  payload: Buffer;
}

function frames(buf: Buffer): Frame[] {
  const out: Frame[] = [];
  let off = 0;
  while (off < buf.length) {
    const length = buf.readInt32BE(off + 4);
    out.push({ type: buf.readUInt32BE(off), length, micros: buf.readBigInt64BE(off + 8), payload: buf.subarray(off + 16, off + 16 + length) });
    off += 16 + length;
  }
  expect(off).toBe(buf.length);
  return out;
}

describe('telemetrySink', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function withFd(fn: (fd: number) => void): Buffer {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-node-sink-'));
    dirs.push(dir);
    const file = join(dir, 'telemetry');
    const fd = openSync(file, 'w');
    try {
      fn(fd);
    } finally {
      closeSync(fd);
    }
    return readFileSync(file);
  }

  it('text frame: 0xa55a0003 | tlvMask, byte length, microsecond timestamp, the line with a newline', () => {
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const record = '2026-01-02T03:04:05.678Z\tid\tWARN\tmulti\nline é';
    const buf = withFd((fd) => telemetrySink(fd).write(LEVELS.WARN, now, record, false));
    const [f] = frames(buf);
    expect(f?.type).toBe((0xa55a0003 | 16) >>> 0);
    expect(f?.type).toBe(0xa55a0013);
    expect(f?.length).toBe(Buffer.byteLength(record + '\n'));
    expect(f?.micros).toBe(BigInt(now.valueOf()) * 1000n);
    // Inner newlines stay as they are: a frame is one record.
    expect(f?.payload.toString('utf8')).toBe(record + '\n');
    // Header bytes, spelled out.
    expect(buf.subarray(0, 4).toString('hex')).toBe('a55a0013');
    expect(buf.readInt32BE(4)).toBe(buf.length - 16);
  });

  it('JSON frame: 0xa55a0002 | tlvMask, no trailing newline', () => {
    const now = new Date(1_700_000_000_123);
    const record = '{"timestamp":"x","level":"ERROR","message":"m"}';
    const [f] = frames(withFd((fd) => telemetrySink(fd).write(LEVELS.ERROR, now, record, true)));
    expect(f?.type).toBe((0xa55a0002 | 20) >>> 0);
    expect(f?.payload.toString()).toBe(record);
    expect(f?.micros).toBe(1_700_000_000_123_000n);
  });

  it('every level masks the frame type; frames follow one another in order', () => {
    const levels = Object.values(LEVELS);
    const buf = withFd((fd) => {
      const sink = telemetrySink(fd);
      for (const l of levels) sink.write(l, new Date(0), l.name, false);
    });
    const fs = frames(buf);
    expect(fs.map((f) => f.type)).toEqual(levels.map((l) => (0xa55a0003 | l.tlvMask) >>> 0));
    expect(fs.map((f) => f.payload.toString())).toEqual(levels.map((l) => l.name + '\n'));
  });

  it('a large record (1 MB) is written whole', () => {
    const record = 'x'.repeat(1 << 20);
    const [f] = frames(withFd((fd) => telemetrySink(fd).write(LEVELS.INFO, new Date(), record, true)));
    expect(f?.length).toBe(1 << 20);
  });
});

describe('stdoutSink', () => {
  it('one line per record: inner LF becomes CR, then a newline', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      stdoutSink.write(LEVELS.INFO, new Date(), 'a\nb\nc', false);
      expect(write).toHaveBeenCalledTimes(1);
      expect(write.mock.calls[0]?.[0]).toBe('a\rb\rc\n');
    } finally {
      write.mockRestore();
    }
  });
});
