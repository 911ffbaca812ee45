// The lambda-node command (package.json "bin": dist/cli.mjs).
//   lambda-node build [dir] [options]   see USAGE
import { parseArgs } from 'node:util';
import { BuildError, buildFunction, formatReport } from './build.ts';
import { packageVersion, type LambdaArch } from './node.ts';

const USAGE = `Usage: lambda-node build [dir] [options]

Bundles a function's handler module(s) with esbuild and makes each one's V8 code cache with the
Node the lambda-node layer ships, so the function starts faster on lambda-node. Deploy the output
directory as the function's code; _HANDLER stays the same.

  dir                     the function's directory (default: .)
  --handler <mod.export>  the handler, as in _HANDLER; repeat for several (default: index.handler)
  --out <dir>             the output directory (default: <dir>/build/lambda)
  --node <24|22>          the Node major of the layer (default: 24)
  --arch <x86_64|arm64>   the function's architecture (default: x86_64)
  --memory <MB>           the function's memory size (default: 128). Node 22 only: its V8 takes a
                          code cache only under the heap flags it was made with, and the bootstrap
                          derives those from the memory size
  --external <pkg>        leave a package out of the bundle (wildcards: @aws-sdk/*); it must then
                          be on the function's NODE_PATH, e.g. in a layer. Default: bundle all
                          (custom runtimes get no AWS SDK from Lambda)
  --minify                minify the bundle (names in stack traces change)
  --sourcemap             write <file>.map beside the bundle (NODE_OPTIONS=--enable-source-maps)
  --main-fields <list>    package.json fields to pick a package's entry (default: module,main)
  --no-run                do not run the module's init to make the cache: compile every function
                          instead (for modules whose init has side effects)
  --env KEY=VALUE         environment for the init run at build time (repeatable)
  --init-timeout <ms>     give up on the init run after this long (default: 10000)
  --no-cache              bundle only
  --no-measure            skip timing the module's load before and after
  --copy <path>           copy a file or directory of <dir> into the output (repeatable)
  --node-binary <path>    the Node binary to make the cache with (must be the layer's version)
  --force                 replace a non-empty --out that lambda-node build did not write
  --json                  print the report as JSON
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    console.log(packageVersion());
    return 0;
  }
  if (command !== 'build') {
    (command && command !== 'help' && command !== '--help' ? console.error : console.log)(USAGE);
    return command && command !== 'help' && command !== '--help' ? 2 : 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      handler: { type: 'string', multiple: true },
      out: { type: 'string' },
      node: { type: 'string', default: '24' },
      arch: { type: 'string', default: 'x86_64' },
      memory: { type: 'string', default: '128' },
      external: { type: 'string', multiple: true },
      minify: { type: 'boolean', default: false },
      sourcemap: { type: 'boolean', default: false },
      'main-fields': { type: 'string', default: 'module,main' },
      'no-run': { type: 'boolean', default: false },
      env: { type: 'string', multiple: true },
      'init-timeout': { type: 'string', default: '10000' },
      'no-cache': { type: 'boolean', default: false },
      'no-measure': { type: 'boolean', default: false },
      copy: { type: 'string', multiple: true },
      'node-binary': { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new BuildError(`one function directory at a time (got ${positionals.join(' ')})`);
  const nodeMajor = Number(values.node);
  if (nodeMajor !== 24 && nodeMajor !== 22) throw new BuildError(`--node ${values.node}: 24 or 22`);
  if (values.arch !== 'x86_64' && values.arch !== 'arm64') throw new BuildError(`--arch ${values.arch}: x86_64 or arm64`);
  const memoryMb = Number(values.memory);
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10240) throw new BuildError(`--memory ${values.memory}: whole MB from 128 to 10240`);
  const timeout = Number(values['init-timeout']);
  if (!(timeout > 0)) throw new BuildError(`--init-timeout ${values['init-timeout']}: a number of milliseconds`);
  const env: Record<string, string> = {};
  for (const kv of values.env ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new BuildError(`--env ${kv}: KEY=VALUE`);
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const dir = positionals[0] ?? '.';
  const report = await buildFunction({
    dir,
    out: values.out ?? `${dir}/build/lambda`,
    handlers: values.handler?.length ? values.handler : ['index.handler'],
    nodeMajor,
    arch: values.arch as LambdaArch,
    memoryMb,
    external: values.external ?? [],
    minify: values.minify,
    sourcemap: values.sourcemap,
    mainFields: values['main-fields'].split(',').map((f) => f.trim()).filter(Boolean),
    run: !values['no-run'],
    cache: !values['no-cache'],
    measure: !values['no-measure'],
    env,
    initTimeoutMs: timeout,
    copy: values.copy ?? [],
    nodeBinary: values['node-binary'],
    force: values.force,
    log: (line) => console.error(line),
  });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // esbuild's own failures (a syntax error, a module it cannot find) carry their messages.
    const message = err instanceof BuildError || (err as { errors?: unknown[] })?.errors ? (err as Error).message : ((err as Error)?.stack ?? String(err));
    console.error(`lambda-node build: ${message}`);
    process.exit(1);
  },
);
