// The names Node's import() gives a CommonJS module besides `default`: what cjs-module-lexer (the
// lexer Node itself uses) finds in its source, following `module.exports = require('./x')`
// re-exports into other CommonJS files as Node does. Found on the function's original entry, so the
// built file shows the official loader the same names (the bundle's own text would not).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { transformSync } from 'esbuild';
import { init, parse } from 'cjs-module-lexer';

const TS = new Set(['.ts', '.mts', '.cts']);

/** JavaScript the lexer can read: TypeScript stripped; ES module syntax (to be bundled as CommonJS) converted as esbuild converts it. */
function lexable(file: string, esmSyntax: boolean): string {
  const source = readFileSync(file, 'utf8');
  if (!TS.has(extname(file)) && !esmSyntax) return source;
  return transformSync(source, { loader: TS.has(extname(file)) ? 'ts' : 'js', format: esmSyntax ? 'cjs' : undefined, platform: 'node', sourcefile: file }).code;
}

export async function commonJsNames(entry: string, esmSyntax: boolean): Promise<string[]> {
  await init();
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string, esm: boolean, depth: number) => {
    if (seen.has(file) || depth > 32) return;
    seen.add(file);
    let found: { exports: readonly string[]; reexports: readonly string[] };
    try {
      found = parse(lexable(file, esm), file);
    } catch {
      return; // Node gives such a module no names beyond default
    }
    for (const name of found.exports) names.add(name);
    const req = createRequire(file);
    for (const spec of found.reexports) {
      let target: string;
      try {
        target = req.resolve(spec);
      } catch {
        continue;
      }
      if (/\.(c?js|c?ts)$/.test(target) || !extname(target)) visit(target, false, depth + 1);
    }
  };
  visit(entry, esmSyntax, 0);
  names.delete('default');
  return [...names].sort();
}

/** A line that shows cjs-module-lexer these names on module.exports, and does nothing when run. */
export function lexerAnnotation(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `0 && (module.exports = { ${names.map((n) => `${JSON.stringify(n)}: __lambda_node`).join(', ')} });\n`;
}
