// Builds the test kit that package.json exports as "lambda-node/testkit":
//   dist/testkit/index.js        src/testkit bundled as one ES module; testcontainers and undici
//                                stay imports (the user's own installs), never in the runtime
//   dist/testkit/types/*.d.ts    its declarations, from tsc
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

rmSync('dist/testkit', { recursive: true, force: true });
await build({
  entryPoints: ['src/testkit/index.ts'],
  outfile: 'dist/testkit/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['testcontainers', 'undici'],
  logLevel: 'warning',
});
const tsc = spawnSync('npx', ['tsc', '-p', 'src/testkit/tsconfig.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// Declarations keep the sources' "./x.ts" specifiers; point them at the .js the types describe.
const dir = 'dist/testkit/types';
for (const f of readdirSync(dir)) {
  const p = `${dir}/${f}`;
  writeFileSync(p, readFileSync(p, 'utf8').replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2'));
}
console.log('dist/testkit/index.js, dist/testkit/types/index.d.ts');
