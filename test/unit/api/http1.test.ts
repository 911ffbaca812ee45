import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../../src/api/http1.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

/** Feeds `chunks` one by one; returns the response and the index of the chunk that completed it. */
function feed(chunks: Buffer[]) {
  const p = new ResponseParser();
  for (let i = 0; i < chunks.length; i++) {
    const res = p.push(chunks[i] as Buffer);
    if (res) return { res, at: i, parser: p };
  }
  return { res: undefined, at: -1, parser: p };
}

/** Every split of `whole` into two chunks must give the same response. */
function everySplit(whole: Buffer) {
  const results = [];
  for (let i = 1; i < whole.length; i++) {
    const { res, at } = feed([whole.subarray(0, i), whole.subarray(i)]);
    expect(at, `split at ${i}`).toBe(1);
    results.push(res);
  }
  return results;
}

describe('ResponseParser', () => {
  it('status, lower-case headers, Content-Length body', () => {
    const { res } = feed([b('HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: abc\r\nContent-Length: 5\r\nX-Spaced:   v  \r\n\r\nhello')]);
    expect(res?.status).toBe(200);
    expect(res?.headers).toEqual({ 'lambda-runtime-aws-request-id': 'abc', 'content-length': '5', 'x-spaced': 'v' });
    expect(res?.body.toString()).toBe('hello');
  });

  it('header values are UTF-8 (as the official native client reads them), even split inside a character', () => {
    const value = '{"custom":{"name":"José ✓ 𝄞"}}';
    const whole = Buffer.concat([
      b('HTTP/1.1 200 OK\r\nLambda-Runtime-Client-Context: '),
      Buffer.from(value, 'utf8'),
      b('\r\nContent-Length: 2\r\n\r\n{}'),
    ]);
    for (const res of everySplit(whole)) expect(res?.headers['lambda-runtime-client-context']).toBe(value);
  });

  it('Content-Length body split across chunks at every position, head included', () => {
    const whole = b('HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{"status":"OK"}');
    for (const res of everySplit(whole)) {
      expect(res?.status).toBe(202);
      expect(res?.body.toString()).toBe('{"status":"OK"}');
    }
  });

  it('byte-at-a-time delivery', () => {
    const whole = b('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc');
    const chunks = [...whole].map((x) => Buffer.from([x]));
    const { res, at } = feed(chunks);
    expect(at).toBe(chunks.length - 1);
    expect(res?.body.toString()).toBe('abc');
  });

  it('Content-Length: 0 completes with the head', () => {
    const { res } = feed([b('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n')]);
    expect(res?.status).toBe(202);
    expect(res?.body.length).toBe(0);
  });

  it('204 without Content-Length has no body', () => {
    const { res } = feed([b('HTTP/1.1 204 No Content\r\n\r\n')]);
    expect(res?.status).toBe(204);
    expect(res?.body.length).toBe(0);
  });

  it('chunked body with chunk extensions and trailers, split at every position', () => {
    const whole = b(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;ext=1\r\nhello\r\n' +
        '1\r\n \r\n' +
        'C\r\nworld\r\n!!!!!\r\n' +
        '0\r\nX-Trailer: t\r\nOther: u\r\n\r\n',
    );
    for (const res of everySplit(whole)) {
      expect(res?.status).toBe(200);
      expect(res?.body.toString('latin1')).toBe('hello world\r\n!!!!!');
    }
  });

  it('chunked body without trailers', () => {
    const { res } = feed([b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n')]);
    expect(res?.body.toString()).toBe('abc');
  });

  it('chunked: not done until the empty line after the last chunk', () => {
    const p = new ResponseParser();
    expect(p.push(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n'))).toBeUndefined();
    expect(p.push(b('X-T: 1\r\n'))).toBeUndefined();
    expect(p.push(b('\r\n'))?.body.toString()).toBe('abc');
  });

  it('a 6 MB Content-Length body in 64 KiB chunks arrives intact', () => {
    const body = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff;
    const whole = Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 65536) chunks.push(whole.subarray(i, i + 65536));
    const { res, at } = feed(chunks);
    expect(at).toBe(chunks.length - 1);
    expect(res?.body.length).toBe(body.length);
    expect(res?.body.equals(body)).toBe(true);
  });

  it('a 6 MB chunked body in odd-sized pieces arrives intact', () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 'x');
    for (let i = 0; i < body.length; i += 997) body[i] = 0x0d; // stray CRs inside chunk data
    const parts: Buffer[] = [b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')];
    for (let i = 0; i < body.length; i += 100_000) {
      const piece = body.subarray(i, i + 100_000);
      parts.push(b(`${piece.length.toString(16)}\r\n`), piece, b('\r\n'));
    }
    parts.push(b('0\r\n\r\n'));
    const whole = Buffer.concat(parts);
    const chunks: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 12_345) chunks.push(whole.subarray(i, i + 12_345));
    const { res, at } = feed(chunks);
    expect(at).toBe(chunks.length - 1);
    expect(res?.body.equals(body)).toBe(true);
  });

  it('no Content-Length, not chunked: the body runs until the connection closes', () => {
    const p = new ResponseParser();
    expect(p.push(b('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart one,'))).toBeUndefined();
    expect(p.push(b(' part two'))).toBeUndefined();
    const res = p.end();
    expect(res?.status).toBe(200);
    expect(res?.body.toString()).toBe('part one, part two');
  });

  it('end() before a complete response gives nothing', () => {
    const p = new ResponseParser();
    p.push(b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(p.end()).toBeUndefined();
    const q = new ResponseParser();
    q.push(b('HTTP/1.1 200 OK\r\nContent-'));
    expect(q.end()).toBeUndefined();
  });

  it('HTTP/1.0 status line is accepted', () => {
    expect(feed([b('HTTP/1.0 500 Internal\r\nContent-Length: 2\r\n\r\nno')]).res?.status).toBe(500);
  });

  it('rejects a bad status line and a bad chunk size', () => {
    expect(() => new ResponseParser().push(b('SPDY/3 200 OK\r\n\r\n'))).toThrow(/bad status line/);
    expect(() => new ResponseParser().push(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/bad chunk size/);
  });

  it('rejects a head larger than 1 MiB without its end', () => {
    const p = new ResponseParser();
    p.push(b('HTTP/1.1 200 OK\r\n'));
    expect(() => p.push(Buffer.alloc((1 << 20) + 1, 'a'))).toThrow(/head too large/);
  });
});
