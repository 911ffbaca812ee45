// Runtime API faults under the real RIE: a fault-injecting proxy (test/fakes/fault-proxy.ts)
// between the runtime and the RIE's Runtime API. The written policy (src/api/client.ts): /next
// refused, reset, unanswered at connect (1 s) or answered 5xx/429 is retried 100 ms doubling for
// 5 s, then exit 1 with one line; a post that fails is retried (3 tries) and never lost silently.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { blackhole, FaultProxy, type ProxyFault } from '../fakes/fault-proxy.ts';

const NEXT = '/2018-06-01/runtime/invocation/next';
const TASK_ROOT = join(import.meta.dirname, 'fixtures/faults');
const node = 24; // the client is the same code on both Node lines
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function withProxy(o: { listening?: boolean } = {}): Promise<{ rie: StartedRie; proxy: FaultProxy }> {
  let proxy: FaultProxy | undefined;
  const rie = await startRie({
    node,
    taskRoot: TASK_ROOT,
    handler: 'index.handler',
    throughProxy: async (api) => {
      proxy = await FaultProxy.start(api, { listening: o.listening ?? true });
      return proxy.address;
    },
  });
  cleanups.push(() => rie.stop(), () => proxy?.close());
  return { rie, proxy: proxy as FaultProxy };
}

/** The first `n` requests that `match` get `fault`. */
function firstN(proxy: FaultProxy, n: number, match: (m: string, p: string) => boolean, fault: ProxyFault) {
  let left = n;
  proxy.plan = (r) => (match(r.method, r.path) && left-- > 0 ? fault : undefined);
}
const isNext = (m: string, p: string) => m === 'GET' && p === NEXT;
const runs = (rie: StartedRie) => rie.logs().filter((l) => /\tRAN \d+$/.test(l)).length;

describe('Runtime API faults between the runtime and the real RIE', () => {
  it('refused at start: the runtime retries until the API listens, then serves', async () => {
    const { rie, proxy } = await withProxy({ listening: false });
    const began = Date.now();
    setTimeout(() => void proxy.listen(), 700);
    const res = await rie.invoke({ a: 1 });
    expect(res.json()).toMatchObject({ runs: 1, echo: { a: 1 } });
    expect(proxy.requests[0]?.at - began).toBeGreaterThanOrEqual(650);
  });

  it('/next answered 503 three times: retried 100, 200, 400 ms apart (no spinning), then served', async () => {
    const { rie, proxy } = await withProxy();
    firstN(proxy, 3, isNext, { kind: 'answer', status: 503, body: 'busy' });
    const res = await rie.invoke({ b: 2 });
    expect(res.json()).toMatchObject({ runs: 1 });
    const at = proxy.seen('GET', NEXT).map((r) => r.at);
    const gaps = at.slice(1, 4).map((t, i) => t - (at[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
  });

  it('429 on /next is retried as a 5xx is', async () => {
    const { rie, proxy } = await withProxy();
    firstN(proxy, 1, isNext, { kind: 'answer', status: 429 });
    expect((await rie.invoke({})).json()).toMatchObject({ runs: 1 });
    expect(proxy.seen('GET', NEXT).length).toBeGreaterThanOrEqual(2);
  });

  it('a parked /next reset: the runtime reconnects, parks again and serves the next invocation', async () => {
    const { rie, proxy } = await withProxy();
    expect((await rie.invoke({})).json()).toMatchObject({ runs: 1 });
    // The runtime has parked its next /next: cut that connection.
    await new Promise((r) => setTimeout(r, 200));
    const parkedOn = proxy.seen('GET', NEXT).at(-1)?.connection;
    proxy.resetAll();
    expect((await rie.invoke({})).json()).toMatchObject({ runs: 2 });
    const nexts = proxy.seen('GET', NEXT);
    expect(nexts.at(-1)?.connection).toBeGreaterThan(parkedOn as number);
    expect(runs(rie)).toBe(2);
  });

  it('/response cut mid-body (connection reset): the runtime posts the whole result again on a new connection, the handler ran once', async () => {
    const { rie, proxy } = await withProxy();
    firstN(proxy, 1, (m, p) => m === 'POST' && p.endsWith('/response'), { kind: 'cut-body', bytes: 1000 });
    const res = await rie.invoke({ pad: 50_000 });
    const posts = proxy.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.connection).not.toBe(posts[0]?.connection);
    const body = (r: (typeof posts)[0]) => r.raw.subarray(r.raw.indexOf('\r\n\r\n') + 4).toString();
    expect(body(posts[1]!)).toBe(body(posts[0]!)); // the same bytes, all of them this time
    expect(JSON.parse(body(posts[1]!))).toMatchObject({ runs: 1 });
    expect(runs(rie)).toBe(1);
    // What the RIE does with it: the cut body already moved its invocation on ("Failed to read
    // response ... unexpected EOF"), so it refuses the second post (403, logged by the runtime) and
    // the caller gets an error. On Lambda a post that never arrived whole is retried the same way.
    expect(rie.logs().some((l) => l.includes('refused the invocation response with status 403'))).toBe(true);
    expect(res.status).toBe(502);
  });

  it('a slow Runtime API (every request held 300 ms): served correctly', async () => {
    const { rie, proxy } = await withProxy();
    proxy.plan = () => ({ kind: 'delay', ms: 300 });
    const began = Date.now();
    expect((await rie.invoke({ slow: true })).json()).toMatchObject({ runs: 1, echo: { slow: true } });
    expect(Date.now() - began).toBeGreaterThanOrEqual(600);
  });

  it('/next answered 503 for good: a bounded number of tries over ~5 s, then exit 1 with one line naming the path and status', async () => {
    const { rie, proxy } = await withProxy();
    proxy.plan = (r) => (isNext(r.method, r.path) ? { kind: 'answer', status: 503, body: 'down' } : undefined);
    const res = await rie.invoke({});
    // The RIE reports the runtime's exit during init to the caller as a 502.
    expect(res.status).toBe(502);
    const tries = proxy.seen('GET', NEXT);
    expect(tries.length).toBeGreaterThanOrEqual(5);
    expect(tries.length).toBeLessThanOrEqual(9);
    expect((tries.at(-1)?.at as number) - (tries[0]?.at as number)).toBeGreaterThanOrEqual(4500);
    const lines = rie.logs().filter((l) => l.includes('the Runtime API is unreachable'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`GET ${NEXT} answered 503`);
  }, 20_000);

  it('a blackholed Runtime API (connects never complete): each connect gives up after 1 s, retried for ~5 s, then exit 1 with one line', async () => {
    const hole = await blackhole();
    cleanups.push(() => hole.close());
    const rie = await startRie({ node, taskRoot: TASK_ROOT, handler: 'index.handler', throughProxy: async () => hole.address });
    cleanups.push(() => rie.stop());
    const began = Date.now();
    const res = await rie.invoke({});
    const took = Date.now() - began;
    expect(res.status).toBe(502);
    expect(took).toBeGreaterThanOrEqual(5000);
    expect(took).toBeLessThan(9000);
    const lines = rie.logs().filter((l) => l.includes('the Runtime API is unreachable'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/timed out after 1000 ms/);
  }, 20_000);
});
