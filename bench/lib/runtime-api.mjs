// A minimal loopback Lambda Runtime API on node:net: just enough HTTP/1.1 (keep-alive,
// Content-Length or chunked request bodies, Expect: 100-continue) for a runtime's /next,
// /response and /error calls, with prebuilt reply bytes so the server adds little per request.
// The caller decides, per /next, whether to answer now (with which event) or to park it.
import { createServer } from 'node:net';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms, sub-microsecond resolution

const ACCEPTED = Buffer.from('HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"status":"OK"}\n');
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:bench';

/** The reply to /next, headers as Lambda sends them (aws-lambda-ric's native client needs Content-Type). */
export function nextReply(requestId, body) {
  const payload = Buffer.from(body);
  const head =
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
    `Lambda-Runtime-Aws-Request-Id: ${requestId}\r\n` +
    `Lambda-Runtime-Deadline-Ms: ${Date.now() + 900_000}\r\n` +
    `Lambda-Runtime-Invoked-Function-Arn: ${ARN}\r\n` +
    'Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0\r\n' +
    `Content-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), payload]);
}

/**
 * Starts the server on 127.0.0.1:0. `hooks`:
 *   onNext(reply)           a /next arrived; call reply(bytes) now or later (parked until then);
 *   onResponse(id, t, body) a /response arrived complete at time t (ms);
 *   onError(path, body)     an /error or /init/error arrived.
 */
export async function startRuntimeApi(hooks) {
  const sockets = new Set();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let req = null; // { method, path, length, chunked, bodyParts }
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (!req) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const lines = buf.toString('latin1', 0, end).split('\r\n');
          buf = buf.subarray(end + 4);
          const [method, path] = lines[0].split(' ');
          req = { method, path, length: 0, chunked: false, body: [] };
          for (let i = 1; i < lines.length; i++) {
            const colon = lines[i].indexOf(':');
            const name = lines[i].slice(0, colon).toLowerCase();
            const value = lines[i].slice(colon + 1).trim();
            if (name === 'content-length') req.length = Number(value);
            else if (name === 'transfer-encoding' && /chunked/i.test(value)) req.chunked = true;
            else if (name === 'expect' && /100-continue/i.test(value)) socket.write(CONTINUE);
          }
        }
        if (!req.chunked) {
          if (buf.length < req.length) return;
          req.body.push(buf.subarray(0, req.length));
          buf = buf.subarray(req.length);
        } else {
          // size line, data, CRLF ... a zero-size chunk, then trailers up to an empty line.
          let done = false;
          while (!done) {
            const eol = buf.indexOf('\r\n');
            if (eol < 0) return;
            const size = parseInt(buf.toString('latin1', 0, eol), 16);
            if (size === 0) {
              const end = buf.indexOf('\r\n\r\n', eol);
              if (end < 0) return;
              buf = buf.subarray(end + 4);
              done = true;
            } else {
              if (buf.length < eol + 2 + size + 2) return;
              req.body.push(buf.subarray(eol + 2, eol + 2 + size));
              buf = buf.subarray(eol + 2 + size + 2);
            }
          }
        }
        const done = req;
        req = null;
        dispatch(socket, done);
      }
    });
  });

  function dispatch(socket, req) {
    const t = now();
    const path = req.path;
    if (path.endsWith('/invocation/next')) {
      hooks.onNext((bytes) => socket.write(bytes));
    } else if (path.endsWith('/response')) {
      socket.write(ACCEPTED);
      hooks.onResponse(path.split('/').at(-2), t, Buffer.concat(req.body));
    } else {
      socket.write(ACCEPTED);
      hooks.onError(path, Buffer.concat(req.body).toString());
    }
  }

  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${server.address().port}`,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export { now };
