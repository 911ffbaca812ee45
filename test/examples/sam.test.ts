// examples/attach-layer/template.yaml under `sam local invoke --skip-pull-image`: SAM builds its
// image FROM public.ecr.aws/lambda/provided:al2023-x86_64 (here the project's FROM-scratch stand-in:
// glibc, no libstdc++, no Node), copies the layer into /opt and runs the function under the RIE.
// The answer must come from the layer's Node: /opt/bin/node, the pinned version.
// Without Docker: one line and a skip outside CI; with CI=true a failure, never a skip.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE, LAYER_ZIP, VENV_BIN, pinnedNodeVersion, requirePrereqs, run } from './tools.ts';

const IMAGE = 'public.ecr.aws/lambda/provided:al2023-x86_64';
const IMAGE_TARGET = 'make test-image-base ARCH=x86_64';
const CI = process.env.CI === 'true';
const docker = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
if (!docker && !CI) {
  console.warn('test/examples/sam.test.ts: skipped: no Docker engine answers (scripts/docker-up.sh starts one)');
}

describe.skipIf(!docker && !CI)('examples/attach-layer/template.yaml: sam local invoke', () => {
  let work: string | undefined;

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("prints the handler's result, computed by the layer's Node", async () => {
    if (!docker) throw new Error('no Docker engine answers `docker info` (CI=true: the SAM example must run)');
    requirePrereqs(['sam']);
    if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status !== 0) {
      throw new Error(`missing the local image ${IMAGE}: run \`${IMAGE_TARGET}\` (make examples-prereqs)`);
    }
    // The user's directory: the template, the function, the event, and the layer unzipped into
    // layer/ (unzip keeps the zip's executable bits, as Lambda does).
    work = mkdtempSync(join(tmpdir(), 'attach-layer-sam-'));
    for (const f of ['template.yaml', 'event.json', 'hello']) cpSync(join(EXAMPLE, f), join(work, f), { recursive: true });
    await run('unzip', ['-q', LAYER_ZIP, '-d', join(work, 'layer')], { cwd: work });

    // --force-image-build: SAM names its image after the layer's name, not its content, and would
    // otherwise run a layer left from an earlier build.
    const invoked = await run(
      join(VENV_BIN, 'sam'),
      ['local', 'invoke', 'Hello', '--template', 'template.yaml', '--event', 'event.json',
        '--skip-pull-image', '--force-image-build', '--layer-cache-basedir', join(work, '.layer-cache')],
      {
        cwd: work,
        env: { ...process.env, SAM_CLI_TELEMETRY: '0', AWS_EC2_METADATA_DISABLED: 'true' },
        timeoutMs: 150_000,
      },
    );

    // stdout is the function's response; SAM's own lines and the function's logs go to stderr
    // (where a runtime that cannot start says why, e.g. a shared library missing from the layer).
    let result: unknown;
    try {
      result = JSON.parse(invoked.stdout.trim().split('\n').at(-1) ?? '');
    } catch {
      throw new Error(`sam printed no JSON result:\n--- stdout\n${invoked.stdout}\n--- stderr\n${invoked.stderr}`);
    }
    expect(result, invoked.stderr).toEqual({
      message: 'hello, lambda-node',
      node: `v${pinnedNodeVersion(24)}`,
      execPath: '/opt/bin/node',
    });
  }, 180_000);
});
