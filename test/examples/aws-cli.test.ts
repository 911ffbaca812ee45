// examples/attach-layer/aws-cli.sh, run as it is (the README shows it) against moto on 127.0.0.1:
// the layer is published from the real zip, the function records the layer and provided.al2023.
// moto does not run the function (that needs its Docker images); the SAM test runs it.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from './moto.ts';
import { EXAMPLE, LAYER_ZIP, codeSha256, requirePrereqs, run, type RunResult } from './tools.ts';

const LAYER_ARN = 'arn:aws:lambda:us-east-1:123456789012:layer:lambda-node-node24:1';

describe('examples/attach-layer/aws-cli.sh against moto', () => {
  let moto: Moto;
  let work: string;
  let script: RunResult;
  const aws = async (...args: string[]): Promise<any> =>
    JSON.parse((await run('aws', [...args, '--output', 'json'], { cwd: work, env: moto.env() })).stdout);

  beforeAll(async () => {
    requirePrereqs(['moto_server', 'aws']);
    moto = await startMoto();
    work = mkdtempSync(join(tmpdir(), 'attach-layer-cli-'));
    // The user's run: LAYER_ZIP names their download; the files it writes land in the cwd.
    script = await run('sh', [join(EXAMPLE, 'aws-cli.sh')], {
      cwd: work,
      env: { ...moto.env(), LAYER_ZIP },
      timeoutMs: 90_000,
    });
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('publishes the layer and prints its version ARN', () => {
    expect(script.stdout).toMatch(new RegExp(`^layer: ${LAYER_ARN}$`, 'm'));
  });

  it('get-layer-version returns the zip that was uploaded (same CodeSha256 and size)', async () => {
    const v = await aws('lambda', 'get-layer-version', '--layer-name', 'lambda-node-node24', '--version-number', '1');
    expect(v.LayerVersionArn).toBe(LAYER_ARN);
    expect(v.Content.CodeSha256).toBe(codeSha256(LAYER_ZIP));
    expect(v.Content.CodeSize).toBe(statSync(LAYER_ZIP).size);
    expect(v.CompatibleRuntimes).toEqual(['provided.al2023']);
    expect(v.CompatibleArchitectures).toEqual(['x86_64']);
  });

  it('create-function records provided.al2023, index.handler and the layer', async () => {
    const { Configuration: c } = await aws('lambda', 'get-function', '--function-name', 'hello-lambda-node');
    expect(c.Runtime).toBe('provided.al2023');
    expect(c.Handler).toBe('index.handler');
    expect(c.Architectures).toEqual(['x86_64']);
    expect(c.Role).toBe('arn:aws:iam::123456789012:role/hello-lambda-node');
    expect(c.Layers.map((l: { Arn: string }) => l.Arn)).toEqual([LAYER_ARN]);
    expect(c.Layers[0].CodeSize).toBe(statSync(LAYER_ZIP).size);
    // The function zip is the one the script built in the cwd: only the handler file.
    expect(c.CodeSha256).toBe(codeSha256(join(work, 'function.zip')));
    const { stdout } = await run('unzip', ['-Z1', join(work, 'function.zip')], { cwd: work });
    expect(stdout.trim().split('\n')).toEqual(['index.mjs']);
  });

  it('the role carries the basic execution policy', async () => {
    const r = await aws('iam', 'list-attached-role-policies', '--role-name', 'hello-lambda-node');
    expect(r.AttachedPolicies.map((p: { PolicyArn: string }) => p.PolicyArn)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
  });

  it('invokes the function (status 200, response.json written)', () => {
    expect(script.stdout).toMatch(/"StatusCode": 200/);
    expect(existsSync(join(work, 'response.json'))).toBe(true);
  });
});
