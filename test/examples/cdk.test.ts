// examples/attach-layer/cdk: `cdk synth` of the app as it is (its cdk.json, its default layerZip)
// into a temp dir; the template must hold the layer from the zip and a provided.al2023 function
// that references it, and the cloud assembly must carry the layer zip byte for byte.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE, LAYER_ZIP, ROOT, requirePrereqs, run, sha256 } from './tools.ts';

interface Resource {
  Type: string;
  Properties: Record<string, any>;
  Metadata?: Record<string, any>;
}

describe('examples/attach-layer/cdk: cdk synth', () => {
  let out: string;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(async () => {
    requirePrereqs([]);
    out = mkdtempSync(join(tmpdir(), 'attach-layer-cdk-'));
    await run(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', out], {
      cwd: join(EXAMPLE, 'cdk'),
      // synth needs no account: the stack is environment-agnostic. Nothing may reach AWS.
      env: {
        ...process.env,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_PROFILE: undefined,
      },
      timeoutMs: 90_000,
    });
    const template = JSON.parse(readFileSync(join(out, 'HelloLambdaNode.template.json'), 'utf8'));
    resources = template.Resources;
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('has one AWS::Lambda::LayerVersion for provided.al2023', () => {
    const layers = ofType('AWS::Lambda::LayerVersion');
    expect(layers).toHaveLength(1);
    const [, layer] = layers[0]!;
    expect(layer.Properties.CompatibleRuntimes).toEqual(['provided.al2023']);
    expect(layer.Properties.CompatibleArchitectures).toEqual(['x86_64']);
  });

  it('has an AWS::Lambda::Function on provided.al2023 referencing that layer', () => {
    const [[layerId]] = ofType('AWS::Lambda::LayerVersion') as [[string, Resource]];
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(1);
    const [, fn] = fns[0]!;
    expect(fn.Properties.Runtime).toBe('provided.al2023');
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(fn.Properties.Architectures).toEqual(['x86_64']);
    expect(fn.Properties.Layers).toEqual([{ Ref: layerId }]);
  });

  it('the layer asset is the layer zip, uploaded as it is (file asset, same sha256)', () => {
    const [[, layer]] = ofType('AWS::Lambda::LayerVersion') as [[string, Resource]];
    const assetPath: string = layer.Metadata!['aws:asset:path'];
    expect(assetPath).toMatch(/^asset\.[0-9a-f]{64}\.zip$/);
    expect(sha256(join(out, assetPath)).equals(sha256(LAYER_ZIP))).toBe(true);

    const manifest = JSON.parse(readFileSync(join(out, 'HelloLambdaNode.assets.json'), 'utf8'));
    const entry = Object.values<any>(manifest.files).find((f) => f.source.path === assetPath);
    expect(entry?.source.packaging).toBe('file');
    const keys = Object.values<any>(entry.destinations).map((d) => d.objectKey);
    expect(keys).toContain(layer.Properties.Content.S3Key);
  });

  it('the function asset is the hello directory: index.mjs only', () => {
    const [[, fn]] = ofType('AWS::Lambda::Function') as [[string, Resource]];
    const dir = join(out, fn.Metadata!['aws:asset:path']);
    expect(readdirSync(dir)).toEqual(['index.mjs']);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toBe(readFileSync(join(EXAMPLE, 'hello/index.mjs'), 'utf8'));
  });

  it('app.ts type-checks with the example tsconfig (node runs it with types stripped, unchecked)', async () => {
    await run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(EXAMPLE, 'cdk')], { cwd: ROOT, timeoutMs: 60_000 });
  });

  it("the example's package.json pins the CDK versions this suite runs", () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies;
    const ex = JSON.parse(readFileSync(join(EXAMPLE, 'cdk/package.json'), 'utf8'));
    expect(ex.dependencies['aws-cdk-lib']).toBe(root['aws-cdk-lib']);
    expect(ex.dependencies.constructs).toBe(root.constructs);
    expect(ex.devDependencies['aws-cdk']).toBe(root['aws-cdk']);
  });
});
