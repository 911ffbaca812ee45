// Loading the handler's module, once, at init. The file lookup follows the official runtime of
// the Node line in use, because which file wins and how it is loaded is observable:
//  4.x (Node 24+): import() the first of <name>, .js, .mjs, .cjs that exists; else require the
//                  name Node-style from the task root (node_modules, NODE_PATH).
//  3.x (Node 22):  require <name> and .js (unless the nearest package.json says type=module),
//                  import() .js (type=module) and .mjs, require .cjs; else require Node-style.
// A SyntaxError becomes Runtime.UserCodeSyntaxError, a missing CommonJS module
// Runtime.ImportModuleError; anything else thrown while loading is passed on as it is.
// A file built by `lambda-node build` is run from its code cache when it has a usable one (built.ts).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { wrapUserError } from '../errors/runtime-errors.ts';
import type { Flavour } from '../errors/format.ts';
import type { HandlerName } from './parse.ts';
import { loadBuilt, type OnCacheReport } from './built.ts';

declare const __filename: string;
const cjsRequire = createRequire(__filename);

// Kept as a real dynamic import in the bundle (esbuild leaves non-literal import() alone).
const importFile = (path: string): Promise<unknown> => import(path);

let onCache: OnCacheReport | undefined;

export async function loadModule(appRoot: string, name: HandlerName, flavour: Flavour, report?: OnCacheReport): Promise<unknown> {
  onCache = report;
  try {
    return flavour === 4 ? await loadV4(appRoot, name) : await loadV3(appRoot, name);
  } catch (err) {
    // 4.x keeps the SyntaxError's stack (with the source excerpt); 3.x's has its own.
    if (err instanceof SyntaxError) throw wrapUserError('Runtime.UserCodeSyntaxError', err, flavour === 4, flavour === 4);
    if ((err as { code?: unknown })?.code === 'MODULE_NOT_FOUND') throw wrapUserError('Runtime.ImportModuleError', err, flavour === 4, false);
    throw err;
  }
}

async function loadV4(appRoot: string, name: HandlerName): Promise<unknown> {
  const base = resolve(appRoot, name.moduleRoot, name.moduleName);
  for (const ext of ['', '.js', '.mjs', '.cjs']) {
    if (existsSync(base + ext)) {
      const mod = await (loadBuilt(base + ext, 'import', onCache) ?? importFile(base + ext));
      if (mod) return mod;
    }
  }
  const resolved = cjsRequire.resolve(name.moduleName, { paths: [appRoot, join(appRoot, name.moduleRoot)] });
  return cjsRequire(resolved);
}

async function loadV3(appRoot: string, name: HandlerName): Promise<unknown> {
  const base = resolve(appRoot, name.moduleRoot, name.moduleName);
  const requireIfExists = async (path: string) => (existsSync(path) ? await (loadBuilt(path, 'require', onCache) ?? cjsRequire(path)) : undefined);
  const importIfExists = async (path: string) => (existsSync(path) ? await (loadBuilt(path, 'import', onCache) ?? importFile(path)) : undefined);

  const extensionless = await requireIfExists(base);
  if (extensionless) return extensionless;
  const typeModule = existsSync(base + '.js') ? folderIsTypeModule(dirname(base + '.js')) : false;
  if (!typeModule) {
    const loaded = await requireIfExists(base + '.js');
    if (loaded) return loaded;
  }
  const loaded = (typeModule && (await importIfExists(base + '.js'))) || (await importIfExists(base + '.mjs')) || (await requireIfExists(base + '.cjs'));
  if (loaded) return loaded;
  // 3.x passes the module root as given (relative to the working directory), not under appRoot.
  const resolved = cjsRequire.resolve(name.moduleName, { paths: [appRoot, name.moduleRoot] });
  return cjsRequire(resolved);
}

/** 3.x: the nearest package.json decides, stopping at a node_modules folder. */
function folderIsTypeModule(folder: string): boolean {
  if (folder.endsWith('/node_modules')) return false;
  const pj = join(folder, '/package.json');
  if (existsSync(pj)) {
    try {
      const pkg = JSON.parse(readFileSync(pj, 'utf8'));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return folderIsTypeModule(resolve(folder, '..'));
}
