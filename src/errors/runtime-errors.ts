// Errors the runtime itself raises. Each carries the official errorType string (aws-lambda-ric's
// `Runtime.*` names) as its `name`, because that name is what the Runtime API and the logs see.
//
// The two official lines differ in one observable way: 4.x (Node 24+) assigns `name` on the
// instance, so it is an own enumerable property and shows up in the logged error JSON;
// 3.x (Node 22) puts it on the prototype, so it does not. `ownName` selects which.

export type ErrorType =
  | 'Runtime.MalformedHandlerName'
  | 'Runtime.ImportModuleError'
  | 'Runtime.HandlerNotFound'
  | 'Runtime.UserCodeSyntaxError'
  | 'Runtime.MalformedStreamingHandler'
  | 'Runtime.InvalidStreamingOperation'
  | 'Runtime.JSONStringifyError'
  | 'Runtime.CallbackHandlerDeprecated'
  | 'Runtime.UnhandledPromiseRejection'
  | 'Runtime.HandlerPromiseNeverSettled'
  | 'Runtime.MalformedEvent'
  | 'Runtime.ExitError'
  | 'Runtime.PlatformError';

// The official error classes' own names, [3.x, 4.x]. They are observable: a JSON log record's
// errorType is the error's constructor.name, and Node's report of an error that ends the process
// starts with it (`ImportModuleError [Runtime.ImportModuleError]: ...`).
const CLASS_NAMES: Record<ErrorType, readonly [string, string]> = {
  'Runtime.MalformedHandlerName': ['MalformedHandlerName', 'MalformedHandlerNameError'],
  'Runtime.ImportModuleError': ['ImportModuleError', 'ImportModuleError'],
  'Runtime.HandlerNotFound': ['HandlerNotFound', 'HandlerNotFoundError'],
  'Runtime.UserCodeSyntaxError': ['UserCodeSyntaxError', 'UserCodeSyntaxError'],
  'Runtime.MalformedStreamingHandler': ['MalformedStreamingHandler', 'MalformedStreamingHandler'],
  'Runtime.InvalidStreamingOperation': ['InvalidStreamingOperation', 'InvalidStreamingOperation'],
  'Runtime.JSONStringifyError': ['JSONStringifyError', 'JSONStringifyError'],
  'Runtime.CallbackHandlerDeprecated': ['CallbackHandlerDeprecatedError', 'CallbackHandlerDeprecatedError'],
  'Runtime.UnhandledPromiseRejection': ['UnhandledPromiseRejection', 'UnhandledPromiseRejection'],
  'Runtime.HandlerPromiseNeverSettled': ['HandlerPromiseNeverSettledError', 'HandlerPromiseNeverSettledError'],
  'Runtime.MalformedEvent': ['MalformedEventError', 'MalformedEventError'],
  'Runtime.ExitError': ['ExitError', 'ExitError'],
  'Runtime.PlatformError': ['PlatformError', 'PlatformError'],
};

export class RuntimeError extends Error {
  declare readonly errorType: ErrorType;

  constructor(errorType: ErrorType, message: string, ownName: boolean) {
    super(message);
    // An instance of a subclass named as the official class is (the bundle minifies class names).
    Object.setPrototypeOf(this, officialClass(CLASS_NAMES[errorType][ownName ? 1 : 0]).prototype);
    Object.defineProperty(this, 'errorType', { value: errorType, enumerable: false });
    if (ownName) {
      this.name = errorType;
    } else {
      Object.defineProperty(this, 'name', { value: errorType, enumerable: false, writable: true, configurable: true });
    }
  }
}

const officialClasses = new Map<string, typeof RuntimeError>();
function officialClass(name: string): typeof RuntimeError {
  let cls = officialClasses.get(name);
  if (!cls) {
    cls = class extends RuntimeError {};
    Object.defineProperty(cls, 'name', { value: name });
    officialClasses.set(name, cls);
  }
  return cls;
}

/** An error from the user's code wrapped the way the official runtime wraps it: message is String(original). */
export function wrapUserError(errorType: ErrorType, original: unknown, ownName: boolean, keepStack: boolean): RuntimeError {
  const err = new RuntimeError(errorType, String(original), ownName);
  if (keepStack && original instanceof Error) err.stack = original.stack;
  return err;
}

/** 3.x's UnhandledPromiseRejection: message String(reason), with `reason` and `promise` as own fields. */
export function unhandledRejection(reason: unknown, promise: Promise<unknown>, ownName: boolean): RuntimeError {
  // `new Error(reason)` converts reason with ToString, like 3.x's `super(reason)`.
  const err = new RuntimeError('Runtime.UnhandledPromiseRejection', reason === undefined ? '' : String(reason), ownName);
  Object.assign(err, { reason, promise });
  return err;
}

/** A fault talking to the Runtime API: which request, what status (if any answer came). */
export class RuntimeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    message: string,
    readonly body?: string,
  ) {
    super(message);
    this.name = 'Runtime.ApiError';
  }

  /** Worth another try: no answer at all (refused, reset), 5xx, or 429. */
  get retryable(): boolean {
    return this.status === undefined || this.status >= 500 || this.status === 429;
  }
}
