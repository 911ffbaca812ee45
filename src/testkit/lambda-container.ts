// LambdaContainer: a function under the real AWS Lambda Runtime Interface Emulator, in a container,
// shaped like testcontainers' LocalstackContainer: configure, start(), then talk to the started one.
//
//   const fn = await new LambdaContainer({ dir: 'fn', handler: 'index.handler' }).start();
//   const { result } = await fn.invoke({ name: 'x' });
//   await fn.stop();
//
// A function given as a directory runs as a zip-packaged function on provided.al2023 does: the
// base image (provided.al2023, or the local stand-in `make test-image-base` builds), the lambda-node
// layer and any other layers unpacked into /opt, the directory at /var/task, a read-only file
// system but for /tmp, and the RIE as entrypoint, which finds /opt/bootstrap as Lambda does (this
// is how SAM CLI runs such functions). A function given as an image (or a Docker context to build)
// runs with the image's own entrypoint, as a container-image function on Lambda.
import { existsSync, readFileSync } from 'node:fs';
import { arch as hostArch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenericContainer, Wait } from 'testcontainers';
import { type Arch, KIT_LABEL, dockerfileImage, functionImage, layersImage, platformOf } from './image.ts';
import { LogLines } from './logs.ts';
import { RIE_PORT, StartedLambdaContainer } from './started-lambda-container.ts';

export interface LambdaContainerOptions {
  /** The function's code, a directory: copied to /var/task. Give this, `image` or `context`. */
  dir?: string;
  /** An image to run as a container-image function (e.g. one built `FROM lambda-node:24`). */
  image?: string;
  /** A Docker build context (its Dockerfile, or `dockerfile`) to build and run as `image`. */
  context?: string;
  dockerfile?: string;
  /** `_HANDLER`, e.g. "index.handler" (required with `dir`); with an image, its CMD. */
  handler?: string;
  /** The function's environment variables. */
  env?: Record<string, string>;
  /** Default: this machine's architecture. The other one needs qemu (binfmt) on the host. */
  arch?: Arch;
  /** Node.js major version of the lambda-node layer. Default 24. */
  nodeMajor?: 22 | 24;
  /** The lambda-node layer, a zip or a directory laid out like one.
   *  Default: build/layer/lambda-node-node<major>-<arch>.zip in this package (`make layer`). */
  runtimeLayer?: string;
  /** More layers (zips or directories), unpacked into /opt after the runtime layer, in order. */
  layers?: string[];
  /** Default: public.ecr.aws/lambda/provided:al2023-<arch>. */
  baseImage?: string;
  /** Function timeout in seconds (AWS_LAMBDA_FUNCTION_TIMEOUT). Default 3, as on Lambda. */
  timeout?: number;
  /** Memory in MB (AWS_LAMBDA_FUNCTION_MEMORY_SIZE; the bootstrap sizes the heap from it). Default 128. */
  memorySize?: number;
  /** Milliseconds to wait for the RIE to answer after the container starts. Default 30000. */
  startupTimeout?: number;
}

/** Starts a function and returns it, started. */
export async function startFunction(options: LambdaContainerOptions): Promise<StartedLambdaContainer> {
  return new LambdaContainer(options).start();
}

export class LambdaContainer {
  private readonly options: LambdaContainerOptions;

  constructor(options: LambdaContainerOptions) {
    const modes = [options.dir, options.image, options.context].filter((m) => m !== undefined);
    if (modes.length !== 1) throw new Error('LambdaContainer: give exactly one of dir, image, context');
    if (options.dir !== undefined && !options.handler) throw new Error('LambdaContainer: a function directory needs a handler');
    this.options = options;
  }

  async start(): Promise<StartedLambdaContainer> {
    const o = this.options;
    const arch = o.arch ?? defaultArch();
    const nodeMajor = o.nodeMajor ?? 24;
    let image: string;
    let container: GenericContainer;
    if (o.dir !== undefined) {
      const dir = resolve(o.dir);
      if (!existsSync(dir)) throw new Error(`LambdaContainer: no such directory ${dir}`);
      const runtimeLayer = o.runtimeLayer ?? defaultRuntimeLayer(nodeMajor, arch);
      const layers = await layersImage({
        baseImage: o.baseImage ?? `public.ecr.aws/lambda/provided:al2023-${arch}`,
        arch,
        layers: [runtimeLayer, ...(o.layers ?? [])],
      });
      image = await functionImage(layers, dir, arch);
      // As SAM CLI runs a zip function: the RIE looks for /var/task/bootstrap, then /opt/bootstrap.
      container = new LambdaFileSystemContainer(image).withEntrypoint(['/usr/local/bin/aws-lambda-rie']).withCommand([]);
    } else {
      image = o.image ?? (await dockerfileImage(resolve(o.context as string), arch, o.dockerfile));
      container = new LambdaFileSystemContainer(image);
      if (o.handler) container = container.withCommand([o.handler]);
    }
    const env: Record<string, string> = {
      // Lambda sets these for every function (TZ and the region are reserved); the RIE only
      // passes on what its own environment has.
      TZ: ':UTC',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(o.timeout ?? 3),
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memorySize ?? 128),
      ...(o.dir !== undefined ? { _HANDLER: o.handler as string } : {}),
      ...o.env,
    };
    const logs = new LogLines();
    const started = await container
      .withPlatform(platformOf(arch))
      .withEnvironment(env)
      .withExposedPorts(RIE_PORT)
      .withLabels({ [KIT_LABEL]: '1' })
      .withLogConsumer((stream) => logs.consume(stream))
      // The RIE serves only the invoke path: any other answers 404 once it listens. Its image may
      // have no shell, so the port is not probed from inside.
      .withWaitStrategy(Wait.forHttp('/', RIE_PORT, { abortOnContainerExit: true }).forStatusCode(404))
      .withStartupTimeout(o.startupTimeout ?? 30_000)
      .start();
    return new StartedLambdaContainer(started, logs, Number(env.AWS_LAMBDA_FUNCTION_TIMEOUT));
  }
}

/** Lambda's file system: read-only but for /tmp (512 MB). */
class LambdaFileSystemContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    this.hostConfig.ReadonlyRootfs = true;
    this.withTmpFs({ '/tmp': 'rw,exec,size=512m' });
  }
}

function defaultArch(): Arch {
  return hostArch() === 'arm64' ? 'arm64' : 'x86_64';
}

/** The directory of this package (lambda-node), from src/testkit/ or from the bundled dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'lambda-node') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('lambda-node testkit: cannot find the lambda-node package directory');
    dir = up;
  }
}

function defaultRuntimeLayer(major: number, arch: Arch): string {
  const zip = join(packageRoot(), 'build/layer', `lambda-node-node${major}-${arch}.zip`);
  if (!existsSync(zip)) throw new Error(`LambdaContainer: ${zip} is missing: build it with \`make layer NODE_MAJOR=${major} ARCH=${arch}\`, or pass runtimeLayer`);
  return zip;
}
