// Bundles src/main.ts into one CommonJS file, dist/runtime.cjs: CommonJS because require() of
// builtins is far cheaper at start than an ES module graph; minified, nothing external.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/runtime.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  define: { LAMBDA_NODE_VERSION: JSON.stringify(pkg.version) },
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`dist/runtime.cjs: ${bytes} bytes`);
