// Graceful shutdown under the real RIE, which shuts its sandbox down as Lambda does when it gets
// SIGTERM itself (`docker stop`): SIGTERM to the runtime first only if an extension registered,
// then SIGKILL after the shutdown phase; with none, SIGKILL at once.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';

let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('examples/graceful-shutdown, listening for SIGTERM: the RIE takes the internal extension, and at shutdown the listener runs its async work to the end', async () => {
    rie = await startRie({ node, taskRoot: join(import.meta.dirname, '../../examples/graceful-shutdown'), handler: 'index.handler' });
    const res = await rie.invoke({});
    expect(res.body).toBe('"served"');
    await rie.waitForLog(/Internal agent lambda-node-sigterm \([0-9a-f-]+\) registered, subscribed to \[\]/, { rapid: true });
    await rie.terminate();
    expect(rie.logs().filter((l) => l.includes('SIGTERM received: flushing 1 record(s)'))).toHaveLength(1);
    expect(rie.logs().filter((l) => l.includes('flushed before exit'))).toHaveLength(1);
    // The runtime ended by itself: the RIE did not have to kill it.
    expect(rie.rapidLogs().filter((l) => /SIGKILL/.test(l))).toEqual([]);
  });

  it('a function that does not listen: nothing registered, and the RIE kills the runtime (SIGKILL) as Lambda does', async () => {
    rie = await startRie({ node, taskRoot: join(import.meta.dirname, 'fixtures/hello'), handler: 'index.handler' });
    await rie.invoke({});
    await rie.terminate();
    expect(rie.rapidLogs().filter((l) => l.includes('Internal agent'))).toEqual([]);
    expect(rie.rapidLogs().some((l) => /Sending SIGKILL to runtime/.test(l))).toBe(true);
  });
});
