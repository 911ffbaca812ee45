// `docker stop` of a function under the RIE (the entrypoint, PID 1): Docker sends it SIGTERM, the
// RIE shuts the sandbox down, which sends the runtime SIGTERM because lambda-node registered its
// internal extension for the function's listener; the runtime exits by itself and so does the
// container, well before Docker's own SIGKILL.
import { expect, it } from 'vitest';
import { getContainerRuntimeClient } from 'testcontainers';
import { startFunction } from '../../src/testkit/index.ts';
import { ROOT, describeDocker } from './support.ts';

describeDocker('docker stop, Node 24', { timeout: 60_000 }, () => {
  it('examples/graceful-shutdown: its SIGTERM listener runs to its end and the container exits 0 at once', async () => {
    const fn = await startFunction({ dir: `${ROOT}/examples/graceful-shutdown`, handler: 'index.handler' });
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    let stopped = false;
    try {
      expect((await fn.invoke({ n: 1 })).result).toBe('served');
      expect((await fn.invoke({ n: 2 })).result).toBe('served');
      const t0 = Date.now();
      // Docker's default grace: 10 s before its SIGKILL.
      await fn.container.stop({ remove: false, timeout: 10_000 });
      stopped = true;
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect((await docker.getContainer(fn.container.getId()).inspect()).State.ExitCode).toBe(0);
      const said = (await fn.logs()).filter((l) => /SIGTERM received|flushed before exit/.test(l));
      expect(said.map((l) => l.split('\t').slice(2).join('\t'))).toEqual(['INFO\tSIGTERM received: flushing 2 record(s)', 'INFO\tflushed before exit']);
    } finally {
      if (stopped) await docker.getContainer(fn.container.getId()).remove({ force: true });
      else await fn.stop();
    }
  });
});
