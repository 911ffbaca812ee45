// _HANDLER grammar: [dir/sub/]module.export[.nested.fn]. The last path segment holds the module
// name up to its first dot; everything after that dot is a property path into the module.
import { basename } from 'node:path';
import { RuntimeError } from '../errors/runtime-errors.ts';

export interface HandlerName {
  readonly full: string;
  /** Directory under the task root, '' when none. */
  readonly moduleRoot: string;
  readonly moduleName: string;
  /** Property path, e.g. 'handler' or 'nested.fn'. */
  readonly handlerPath: string;
}

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;

export function parseHandler(full: string, ownName: boolean): HandlerName {
  if (full.includes('..')) {
    throw new RuntimeError(
      'Runtime.MalformedHandlerName',
      `'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
      ownName,
    );
  }
  const handlerString = basename(full);
  const moduleRoot = full.substring(0, full.indexOf(handlerString)).replace(/\/$/, '');
  const match = handlerString.match(FUNCTION_EXPR);
  if (!match || match.length !== 3) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler', ownName);
  return { full, moduleRoot, moduleName: match[1] as string, handlerPath: match[2] as string };
}
