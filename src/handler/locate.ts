// Layer packages for ES modules. CommonJS finds /opt/nodejs/node_modules through NODE_PATH, but
// the ESM resolver ignores NODE_PATH, so `import 'pkg'` from a handler fails under the official
// runtime. When a bare specifier is not found the normal way, this hook retries it from each
// NODE_PATH directory that is a node_modules folder, with the full ESM rules (exports, conditions).
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const NOT_BARE = /^(?:\.|\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/;

type ResolveFn = (specifier: string, context: { parentURL?: string; conditions?: string[] }) => { url: string };

export function installNodePathForEsm(nodePath: readonly string[]): boolean {
  const registerHooks = (nodeModule as unknown as { registerHooks?: (hooks: object) => unknown }).registerHooks;
  if (typeof registerHooks !== 'function') return false;
  // Pretend parents inside each existing node_modules folder's parent: resolution from there
  // looks in that folder first.
  const parents = nodePath
    .filter((dir) => basename(dir) === 'node_modules' && existsSync(dir))
    .map((dir) => pathToFileURL(join(dirname(dir), '[lambda-node-path].mjs')).href);
  if (parents.length === 0) return false;
  registerHooks({
    resolve(specifier: string, context: { parentURL?: string; conditions?: string[] }, nextResolve: ResolveFn) {
      try {
        return nextResolve(specifier, context);
      } catch (err) {
        if ((err as { code?: string })?.code !== 'ERR_MODULE_NOT_FOUND' || NOT_BARE.test(specifier)) throw err;
        for (const parentURL of parents) {
          try {
            return nextResolve(specifier, { ...context, parentURL });
          } catch {
            // try the next folder
          }
        }
        throw err;
      }
    },
  });
  return true;
}
