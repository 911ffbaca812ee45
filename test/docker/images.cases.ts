// The images themselves: the stand-in base (what it has, and above all what it lacks), the
// lambda-node container image base and its entrypoint, and an example function image built FROM it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { request } from 'undici';
import { startFunction, type StartedLambdaContainer } from '../../src/testkit/index.ts';
import { dockerfileImage } from '../../src/testkit/image.ts';
import { ARCH, ROOT, VERSIONS, describeDocker, fixture, imageFiles, runToExit } from './support.ts';

const BASE = `lambda-node-base:al2023-${ARCH}`;
const IMAGE = 'lambda-node:24';
const INVOKE = '/2015-03-31/functions/function/invocations';
const LIBDIR = ARCH === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';

describeDocker('the test base image, a stand-in for provided.al2023', { timeout: 60_000 }, () => {
  let files: Map<string, { type: string; link: string }>;
  beforeAll(async () => {
    files = await imageFiles(BASE);
  }, 60_000);

  it('has glibc, a shell, mv and chmod, the RIE, the entrypoint and Lambda\'s directories', () => {
    for (const p of [
      `lib/${LIBDIR}/libc.so.6`, `lib/${LIBDIR}/libm.so.6`, `lib/${LIBDIR}/libpthread.so.0`, `lib/${LIBDIR}/libdl.so.2`,
      'bin/dash', 'bin/sh', 'bin/mv', 'bin/chmod', 'usr/local/bin/aws-lambda-rie', 'lambda-entrypoint.sh',
      'var/task', 'var/runtime', 'opt', 'tmp', 'etc/passwd', 'etc/localtime',
    ]) {
      expect(files.has(p), p).toBe(true);
    }
    expect(files.get('bin/sh')).toEqual({ type: '2', link: 'dash' });
    expect(files.get('bin/mv')).toEqual({ type: '2', link: 'busybox' });
  });

  it('has no libstdc++, no libgcc_s and no node anywhere: a runtime must bring its own', () => {
    const offending = [...files.keys()].filter((p) => /(^|\/)(libstdc\+\+[^/]*|libgcc_s[^/]*|node)$/.test(p));
    expect(offending).toEqual([]);
  });

  it('is also tagged as AWS\'s provided:al2023 image, for tools that ask for it by name (SAM CLI)', async () => {
    const client = (await import('testcontainers')).getContainerRuntimeClient;
    const docker = (await client()).container.dockerode;
    const ids = await Promise.all([BASE, `public.ecr.aws/lambda/provided:al2023-${ARCH}`].map(async (t) => (await docker.getImage(t).inspect()).Id));
    expect(ids[0]).toBe(ids[1]);
  });

  it('its entrypoint, like AWS\'s, wants one handler: none (and no _HANDLER) or two exit 142', async () => {
    const none = await runToExit({ image: BASE });
    expect(none).toEqual({ exitCode: 142, lines: ['entrypoint requires the handler name to be the first argument (or _HANDLER set)'] });
    const two = await runToExit({ image: BASE, cmd: ['a.handler', 'b.handler'] });
    expect(two).toEqual({ exitCode: 142, lines: ['entrypoint requires the handler name to be the first argument'] });
  });
});

describeDocker('lambda-node:24, the base for function images', { timeout: 60_000 }, () => {
  let example: StartedLambdaContainer;
  let bare: StartedTestContainer;
  beforeAll(async () => {
    [example, bare] = await Promise.all([
      // examples/container-image: a Dockerfile FROM lambda-node:24 with CMD ["index.handler"].
      startFunction({ context: `${ROOT}/examples/container-image` }),
      // The image as is, the handler from _HANDLER rather than CMD, the code copied in.
      new GenericContainer(IMAGE)
        .withCopyDirectoriesToContainer([{ source: fixture('hello'), target: '/var/task' }])
        .withEnvironment({ _HANDLER: 'index.handler' })
        .withExposedPorts(8080)
        .withLabels({ 'lambda-node.testkit': '1' })
        .withWaitStrategy(Wait.forHttp('/', 8080, { abortOnContainerExit: true }).forStatusCode(404))
        .start(),
    ]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([example?.stop(), bare?.stop({ remove: true, timeout: 1_000 })]);
  });

  it('is tagged with the Node version and the major', async () => {
    const docker = (await (await import('testcontainers')).getContainerRuntimeClient()).container.dockerode;
    const ids = await Promise.all([IMAGE, `lambda-node:${VERSIONS.NODE24_VERSION}`].map(async (t) => (await docker.getImage(t).inspect()).Id));
    expect(ids[0]).toBe(ids[1]);
  });

  it('runs the example function image under the RIE (no AWS_LAMBDA_RUNTIME_API): handler from CMD', async () => {
    const r = await example.invoke({ name: 'you' });
    expect(r.status).toBe(200);
    expect(r.result).toEqual({ message: 'hello you from a container image', node: `v${VERSIONS.NODE24_VERSION}`, runtime: '/var/runtime/bin/node' });
    expect(r.logs[0]).toBe(`START RequestId: ${r.requestId} Version: $LATEST`);
  });

  it('takes the handler from _HANDLER when there is no CMD', async () => {
    const host = bare.getHost() === 'localhost' ? '127.0.0.1' : bare.getHost();
    const res = await request(`http://${host}:${bare.getMappedPort(8080)}${INVOKE}`, { method: 'POST', body: '{"name":"env"}' });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('"hello env"');
  });

  it('with AWS_LAMBDA_RUNTIME_API set (as on Lambda) runs the bootstrap itself, no RIE', { timeout: 30_000 }, async () => {
    // Nothing listens at 127.0.0.1:9 in the container: the runtime loads the handler, gives up on
    // /next after its bounded retries and exits 1. The RIE would have printed "(rapid)" lines.
    const image = await dockerfileImage(`${ROOT}/examples/container-image`, ARCH);
    const r = await runToExit({ image, env: ['AWS_LAMBDA_RUNTIME_API=127.0.0.1:9'] });
    expect(r.exitCode).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toContain('GET /2018-06-01/runtime/invocation/next');
    expect(r.lines[0]).toContain('127.0.0.1:9');
  });
});
