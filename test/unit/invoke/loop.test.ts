import { describe, expect, it } from 'vitest';
import { runLoop } from '../../../src/invoke/loop.ts';
import { response, type Outcome } from '../../../src/invoke/outcome.ts';
import type { Invocation } from '../../../src/api/client.ts';

const inv = (id: string): Invocation => ({ requestId: id, headers: {}, body: Buffer.from('{}') });

describe('runLoop', () => {
  it('next, handle, post, in that order, for each invocation, until next gives none', async () => {
    const steps: string[] = [];
    const queue = [inv('a'), inv('b'), inv('c')];
    await runLoop({
      next: async () => {
        steps.push('next');
        return queue.shift();
      },
      handle: async (i) => {
        steps.push(`handle ${i.requestId}`);
        return response(JSON.stringify(i.requestId));
      },
      post: async (i, o: Outcome) => {
        steps.push(`post ${i.requestId} ${o.kind === 'response' ? o.body : ''}`);
      },
    });
    expect(steps).toEqual(['next', 'handle a', 'post a "a"', 'next', 'handle b', 'post b "b"', 'next', 'handle c', 'post c "c"', 'next']);
  });

  it('asks for the next invocation only after the post has finished', async () => {
    let posting = false;
    let overlapped = false;
    let n = 0;
    await runLoop({
      next: async () => {
        if (posting) overlapped = true;
        return n++ < 3 ? inv(String(n)) : undefined;
      },
      handle: async () => response('null'),
      post: async () => {
        posting = true;
        await new Promise((r) => setTimeout(r, 5));
        posting = false;
      },
    });
    expect(overlapped).toBe(false);
    expect(n).toBe(4);
  });
});
