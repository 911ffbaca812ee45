import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { DEFAULT_RETRY, MANAGED_RETRY, RuntimeApiClient, parseEndpoint, type RetryPolicy } from '../../../src/api/client.ts';
import { RuntimeApiError } from '../../../src/errors/runtime-errors.ts';
import { FakeRuntimeApi, type Fault } from '../../fakes/fake-runtime-api.ts';

const NEXT = '/2018-06-01/runtime/invocation/next';
const FAST: RetryPolicy = { firstDelayMs: 10, maxDelayMs: 100, nextBudgetMs: 100, nextRetries: Infinity, postTries: 3 };

describe('parseEndpoint', () => {
  it.each([
    ['127.0.0.1:9001', { host: '127.0.0.1', port: 9001 }],
    ['localhost:9001', { host: 'localhost', port: 9001 }],
    ['[::1]:9001', { host: '::1', port: 9001 }],
    ['  127.0.0.1:80\n', { host: '127.0.0.1', port: 80 }],
    ['host:65535', { host: 'host', port: 65535 }],
  ])('%j', (endpoint, expected) => {
    expect(parseEndpoint(endpoint)).toEqual(expected);
  });

  it.each(['', 'localhost', ':9001', 'host:', 'host:65536', 'host:123456', 'http://host:9001', 'a b:1', '::1:9001', 'host:port'])(
    'rejects %j naming the variable and the expected form',
    (endpoint) => {
      expect(() => parseEndpoint(endpoint)).toThrow(`invalid AWS_LAMBDA_RUNTIME_API value ${JSON.stringify(endpoint)}: expected host:port`);
    },
  );

  it('the client constructor rejects a bad endpoint', () => {
    expect(() => new RuntimeApiClient('nope', 'ua')).toThrow(/invalid AWS_LAMBDA_RUNTIME_API/);
  });
});

describe('the default retry policy', () => {
  it('is 100 ms doubling, 5 s in all for /next, 3 tries for a post', () => {
    expect(DEFAULT_RETRY).toEqual({ firstDelayMs: 100, maxDelayMs: 5000, nextBudgetMs: 5000, nextRetries: Infinity, postTries: 3 });
  });
  it('under Managed Instances is aws-lambda-ric 4.x\'s there: 100 ms doubling, capped at 90 s, 19 retries', () => {
    expect(MANAGED_RETRY).toEqual({ firstDelayMs: 100, maxDelayMs: 90_000, nextBudgetMs: Infinity, nextRetries: 19, postTries: 3 });
  });
});

describe('RuntimeApiClient against the recording fake', () => {
  let api: FakeRuntimeApi;
  let client: RuntimeApiClient;
  afterEach(async () => {
    client?.close();
    await api?.close();
  });

  /** Successive faults for requests whose path matches; undefined (answer normally) after the list. */
  function faultsOn(match: (path: string) => boolean, faults: Fault[]) {
    let i = 0;
    api.faults = ({ path }) => (match(path) ? faults[i++] : undefined);
  }
  const nexts = () => api.requests.filter((r) => r.path === NEXT);
  const posts = () => api.requests.filter((r) => r.method === 'POST');

  async function start(retry: RetryPolicy = FAST) {
    api = await FakeRuntimeApi.start();
    client = new RuntimeApiClient(api.address, 'lambda-node/test (node vX)', { retry });
  }

  it('GET /next: request id, lower-case headers, raw body; the request carries Host and User-Agent', async () => {
    await start();
    const id = api.enqueue({ event: { a: 1 }, traceId: 'Root=1-abc', headers: { 'X-Extra': 'E' } });
    const inv = await client.nextInvocation();
    expect(inv.requestId).toBe(id);
    expect(inv.headers['lambda-runtime-aws-request-id']).toBe(id);
    expect(inv.headers['lambda-runtime-trace-id']).toBe('Root=1-abc');
    expect(inv.headers['x-extra']).toBe('E');
    expect(inv.body.toString()).toBe('{"a":1}');
    const [req] = nexts();
    expect(req?.method).toBe('GET');
    expect(req?.headers['host']).toBe(api.address);
    expect(req?.headers['user-agent']).toBe('lambda-node/test (node vX)');
    expect(req?.body.length).toBe(0);
  });

  it('posts exactly the bytes and headers of the request values', async () => {
    await start();
    expect(await client.postResponse('id/1', '{"ok":"é"}')).toEqual({ accepted: true });
    expect(await client.postError('id-2', { errorType: 'E', errorMessage: 'm', trace: [] }, '{"x":1}')).toEqual({ accepted: true });
    expect(await client.postInitError({ errorType: 'I', errorMessage: 'n', trace: [] })).toEqual({ accepted: true });
    const [res, err, init] = posts();
    expect(res?.path).toBe('/2018-06-01/runtime/invocation/id%2F1/response');
    expect(res?.body.toString('utf8')).toBe('{"ok":"é"}');
    expect(res?.headers['content-length']).toBe(String(Buffer.byteLength('{"ok":"é"}')));
    expect(res?.headers['content-type']).toBe('application/json');
    expect(err?.path).toBe('/2018-06-01/runtime/invocation/id-2/error');
    expect(err?.headers['lambda-runtime-function-error-type']).toBe('E');
    expect(err?.headers['lambda-runtime-function-xray-error-cause']).toBe('{"x":1}');
    expect(JSON.parse(err?.body.toString() ?? '')).toEqual({ errorType: 'E', errorMessage: 'm', trace: [] });
    expect(init?.path).toBe('/2018-06-01/runtime/init/error');
    expect(init?.headers['lambda-runtime-function-error-type']).toBe('I');
  });

  it('keeps one connection alive across /next and posts', async () => {
    await start();
    client.warm();
    for (let i = 0; i < 5; i++) {
      const id = api.enqueue({ event: i });
      const inv = await client.nextInvocation();
      await client.postResponse(inv.requestId, String(i));
      expect((await api.result(id)).body.toString()).toBe(String(i));
    }
    expect(api.requests.length).toBe(10);
    expect(api.connections).toBe(1);
  });

  it('a connect that completed while code held the event loop for over a second is kept, not taken for a timed-out one', async () => {
    await start();
    client.warm(); // connects before user code runs, as at init
    const until = Date.now() + 1300;
    while (Date.now() < until); // a module whose init computes for 1.3 s
    const id = api.enqueue({ event: 'e' });
    const inv = await client.nextInvocation();
    await client.postResponse(inv.requestId, '"ok"');
    expect((await api.result(id)).body.toString()).toBe('"ok"');
    expect(api.connections).toBe(1);
  });

  it('a connection the server closed while idle is replaced transparently, no post retried', async () => {
    await start();
    api.closeIdleAfter(30);
    for (let i = 0; i < 3; i++) {
      const id = api.enqueue({ event: i });
      const inv = await client.nextInvocation();
      await new Promise((r) => setTimeout(r, 120)); // a handler running: the server gives up on the connection
      expect(await client.postResponse(inv.requestId, String(i))).toEqual({ accepted: true });
      expect((await api.result(id)).body.toString()).toBe(String(i));
    }
    expect(api.connections).toBeGreaterThanOrEqual(3);
    expect(posts()).toHaveLength(3);
  });

  it('/next answered 500 then 429 then a reset is retried, then served', async () => {
    await start();
    faultsOn((p) => p === NEXT, [{ kind: 'status', status: 500 }, { kind: 'status', status: 429 }, { kind: 'reset' }]);
    const id = api.enqueue({ event: 'ok' });
    const inv = await client.nextInvocation();
    expect(inv.requestId).toBe(id);
    expect(nexts().length).toBe(4);
  });

  it('/next answered 503 for good: bounded attempts (100 ms budget: 10, 20, 40, 30), then a RuntimeApiError naming path and status', async () => {
    await start();
    faultsOn((p) => p === NEXT, Array(50).fill({ kind: 'status', status: 503, body: 'down' }));
    const t0 = Date.now();
    const err = await client.nextInvocation().catch((e: unknown) => e);
    const elapsed = Date.now() - t0;
    expect(err).toBeInstanceOf(RuntimeApiError);
    const e = err as RuntimeApiError;
    expect(e.status).toBe(503);
    expect(e.path).toBe(NEXT);
    expect(e.message).toBe(`GET ${NEXT} answered 503: down`);
    expect(nexts().length).toBe(5);
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(2000);
  });

  it('/next refused (server gone): retried within the budget, then a RuntimeApiError without a status', async () => {
    await start();
    const address = api.address;
    await api.close();
    client = new RuntimeApiClient(address, 'ua', { retry: FAST });
    const t0 = Date.now();
    const err = (await client.nextInvocation().catch((e: unknown) => e)) as RuntimeApiError;
    expect(err).toBeInstanceOf(RuntimeApiError);
    expect(err.status).toBeUndefined();
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
  });

  it('/next answered 4xx is not retried', async () => {
    await start();
    faultsOn((p) => p === NEXT, [{ kind: 'status', status: 403, body: 'forbidden' }]);
    const err = (await client.nextInvocation().catch((e: unknown) => e)) as RuntimeApiError;
    expect(err.status).toBe(403);
    expect(nexts().length).toBe(1);
  });

  it('/next 200 without a request id is an error', async () => {
    await start();
    faultsOn((p) => p === NEXT, [{ kind: 'status', status: 200, body: '{}' }]);
    await expect(client.nextInvocation()).rejects.toThrow('answer has no lambda-runtime-aws-request-id header');
  });

  it('a post answered 500 twice then 202: the same bytes are sent again, accepted', async () => {
    await start();
    faultsOn((p) => p.endsWith('/response'), [{ kind: 'status', status: 500 }, { kind: 'reset' }]);
    expect(await client.postResponse('r1', '{"v":1}')).toEqual({ accepted: true });
    expect(posts().map((r) => r.body.toString())).toEqual(['{"v":1}', '{"v":1}', '{"v":1}']);
  });

  it('a post answered 500 three times: a RuntimeApiError after exactly 3 tries', async () => {
    await start();
    faultsOn((p) => p.endsWith('/error'), Array(3).fill({ kind: 'status', status: 502, body: 'bad gateway' }));
    const err = (await client.postError('r1', { errorType: 'E', errorMessage: 'm' }, '').catch((e: unknown) => e)) as RuntimeApiError;
    expect(err).toBeInstanceOf(RuntimeApiError);
    expect(err.status).toBe(502);
    expect(posts().length).toBe(3);
  });

  it('a post answered 413 (or another 4xx) is not retried; the answer comes back to be logged', async () => {
    await start();
    api.postStatus = () => ({ status: 413, body: '{"errorMessage":"too big"}' });
    expect(await client.postResponse('r1', 'x')).toEqual({ accepted: false, status: 413, body: '{"errorMessage":"too big"}' });
    expect(posts().length).toBe(1);
  });

  it('a Connection: close answer, and a body read until close: a fresh connection for the next request', async () => {
    // A raw server: every answer closes its connection; /next answers without Content-Length.
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.on('error', () => {});
      socket.once('data', (d) => {
        const head = d.toString('latin1');
        if (head.startsWith('GET ')) socket.end('HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-close\r\nConnection: close\r\n\r\n{"until":"close"}');
        else socket.end('HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      client = new RuntimeApiClient(`127.0.0.1:${(server.address() as AddressInfo).port}`, 'ua', { retry: FAST });
      const inv = await client.nextInvocation();
      expect(inv.requestId).toBe('r-close');
      expect(inv.body.toString()).toBe('{"until":"close"}');
      expect(await client.postResponse('r-close', 'null')).toEqual({ accepted: true });
      expect(await client.postResponse('r-close', 'null')).toEqual({ accepted: true });
      expect(connections).toBe(3);
    } finally {
      client.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
