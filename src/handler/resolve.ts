// From a loaded module to the handler function named by the property path.
import { RuntimeError } from '../errors/runtime-errors.ts';
import type { Flavour } from '../errors/format.ts';
import type { HandlerName } from './parse.ts';

export type UserHandler = (...args: any[]) => unknown;

function findIn(path: string, root: unknown, flavour: Flavour): unknown {
  return path.split('.').reduce<any>((nested, key) => {
    // 4.x only descends objects; 3.x descends anything truthy (functions too).
    if (flavour === 4) return nested && typeof nested === 'object' ? nested[key] : undefined;
    return nested && nested[key];
  }, root);
}

export function resolveHandler(mod: unknown, name: HandlerName, flavour: Flavour): UserHandler {
  let handler = findIn(name.handlerPath, mod, flavour);
  // 4.x also looks under `default` (an ES module's default export, or CommonJS module.exports).
  if (!handler && flavour === 4 && typeof mod === 'object' && mod !== null && 'default' in mod) {
    handler = findIn(name.handlerPath, (mod as { default: unknown }).default, flavour);
  }
  const ownName = flavour === 4;
  if (!handler) throw new RuntimeError('Runtime.HandlerNotFound', `${name.full} is undefined or not exported`, ownName);
  if (typeof handler !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${name.full} is not a function`, ownName);
  return handler as UserHandler;
}
