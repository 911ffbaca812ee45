// The Docker suite: functions under the real AWS Lambda Runtime Interface Emulator, in containers
// built FROM scratch (no registry is reachable), through the test kit users get as
// "lambda-node/testkit". Needs `make docker-prereqs` (engine, base image, lambda-node:24, layers).
// Without a Docker engine it says so in one line and skips; in CI (CI=true) it fails instead.
import { describe, expect, it } from 'vitest';
import { CI, dockerAvailable } from './support.ts';
import './functions.cases.ts';
import './images.cases.ts';
import './shutdown.cases.ts';

if (!dockerAvailable && CI) {
  describe('Docker', () => {
    it('a Docker engine answers: in CI the Docker tests run, never skip', () => {
      expect.fail('no Docker engine answers (scripts/docker-up.sh installs and starts one)');
    });
  });
}

describe('the package export', () => {
  it('"lambda-node/testkit" resolves to the built kit', async () => {
    const kit = await import('lambda-node/testkit');
    expect(Object.keys(kit).sort()).toEqual(['LambdaContainer', 'StartedLambdaContainer', 'isDockerAvailable', 'startFunction']);
  });
});
