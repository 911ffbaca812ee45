// Deliberate improvement: a large response to a slow reader is written with backpressure, so the
// event loop keeps running during the upload (aws-lambda-ric's native client blocks it for the
// whole upload). A hand-rolled Runtime API that reads the posted body slowly; the function's own
// timer keeps ticking meanwhile.
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { NODE_MAJORS, spawnRuntime } from '../../fakes/spawn-runtime.ts';
import { taskDir } from './harness.ts';

const RESPONSE_BYTES = 5 * 1024 * 1024;

/** Serves one invocation, reads its response at about 64 KiB per 10 ms, then parks the next /next. */
async function slowApi() {
  const done: { ticksAtStart?: number; ticksAtEnd?: number; bytes?: number; headers?: string } = {};
  let ticks = () => 0;
  const sockets = new Set<Socket>();
  let served = false;
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    // The runtime is killed at the end of the test: its connection resets.
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let expecting = -1;
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (expecting < 0) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.subarray(0, end).toString();
          buf = buf.subarray(end + 4);
          if (head.startsWith('GET ')) {
            if (served) return; // park: the test ends here
            served = true;
            const body = '{}';
            sock.write(
              `HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: slow-1\r\nLambda-Runtime-Deadline-Ms: ${Date.now() + 60_000}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
            );
            continue;
          }
          done.headers = head;
          expecting = Number(/content-length: (\d+)/i.exec(head)?.[1]);
          done.ticksAtStart = ticks();
        }
        if (buf.length < expecting) {
          // Read slowly: pause, let the client's data pile up, resume a little later.
          sock.pause();
          setTimeout(() => sock.resume(), 10);
          return;
        }
        done.bytes = expecting;
        done.ticksAtEnd = ticks();
        buf = buf.subarray(expecting);
        expecting = -1;
        sock.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    done,
    countTicks(fn: () => number) {
      ticks = fn;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('a 5 MB response uploaded to a slow reader does not block the event loop', async () => {
    const api = await slowApi();
    const taskRoot = taskDir({
      'index.js': `
        exports.handler = async () => {
          setInterval(() => console.log('TICK'), 20).unref();
          return 'y'.repeat(${RESPONSE_BYTES});
        };
      `,
    });
    const rt = spawnRuntime({ kind: 'lambda-node', node, api: api.address, taskRoot, handler: 'index.handler' });
    api.countTicks(() => rt.lines().filter((l) => l.includes('TICK')).length);
    try {
      const t0 = Date.now();
      while (api.done.bytes === undefined && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
      expect(api.done.bytes).toBe(RESPONSE_BYTES + 2);
      expect(api.done.headers).toMatch(/^POST \/2018-06-01\/runtime\/invocation\/slow-1\/response HTTP\/1\.1/);
      const during = (api.done.ticksAtEnd ?? 0) - (api.done.ticksAtStart ?? 0);
      // The upload takes most of a second; a 20 ms timer fires many times meanwhile.
      expect(during).toBeGreaterThanOrEqual(5);
    } finally {
      await rt.kill();
      await api.close();
    }
  });
});
