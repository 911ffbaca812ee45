// Bundles the runtime and its tools with esbuild:
//   dist/runtime.cjs     src/main.ts: the runtime, one CommonJS file (require() of builtins is far
//                        cheaper at start than an ES module graph), minified, nothing external
//   dist/managed.cjs     src/managed/index.ts: Managed Instances (its own file, required only in that
//                        mode: inside runtime.cjs, even unused, it cost single-mode cold starts ~1.5 ms)
//   dist/make-cache.cjs  src/code-cache/make.ts: makes code caches (run by the Node that uses them)
//   dist/cli.mjs         src/cli/main.ts: the lambda-node command (package.json "bin")
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const pinned = Object.fromEntries(
  readFileSync(new URL('../layer/versions.env', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => /^NODE(\d+)_VERSION=(.+)$/.exec(l.trim()))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  legalComments: 'none',
  define: { LAMBDA_NODE_VERSION: JSON.stringify(pkg.version), LAMBDA_NODE_PINNED_NODE: JSON.stringify(pinned) },
  metafile: true,
  logLevel: 'warning',
};
const outputs = [
  { entryPoints: ['src/main.ts'], outfile: 'dist/runtime.cjs', format: 'cjs', minify: true },
  { entryPoints: ['src/managed/index.ts'], outfile: 'dist/managed.cjs', format: 'cjs', minify: true },
  { entryPoints: ['src/code-cache/make.ts'], outfile: 'dist/make-cache.cjs', format: 'cjs' },
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.mjs',
    format: 'esm',
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __lambdaNodeCreateRequire } from 'node:module';\nconst require = __lambdaNodeCreateRequire(import.meta.url);" },
    // esbuild runs its own native binary; cjs-module-lexer loads its WebAssembly from its folder.
    external: ['esbuild', 'cjs-module-lexer'],
  },
];
for (const options of outputs) {
  const result = await build({ ...common, ...options });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`${options.outfile}: ${bytes} bytes`);
}
chmodSync('dist/cli.mjs', 0o755);
