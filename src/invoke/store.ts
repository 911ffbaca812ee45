// Per-invocation state: request id, X-Ray trace id, tenant id. Published as
// globalThis.awslambda.InvokeStore with the interface of npm @aws/lambda-invoke-store, which
// Powertools and the AWS SDK read; the log formatter reads it too.
const PROTECTED_KEYS = {
  REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
  X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
  TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
} as const;

type Store = Record<string | symbol, unknown>;

const protectedKeys: readonly symbol[] = Object.values(PROTECTED_KEYS);

/** Single-concurrency store: the current invocation's context stays until the next one starts. */
export class InvokeStore {
  static readonly PROTECTED_KEYS = PROTECTED_KEYS;
  private currentContext: Store | undefined;

  isProtectedKey(key: string | symbol): boolean {
    return protectedKeys.includes(key as symbol);
  }
  getContext(): Store | undefined {
    return this.currentContext;
  }
  hasContext(): boolean {
    return this.currentContext !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.currentContext?.[key] as T | undefined;
  }
  set(key: string | symbol, value: unknown): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.currentContext = this.currentContext || {};
    this.currentContext[key] = value;
  }
  run<T>(context: Store, fn: () => T): T {
    this.currentContext = context;
    return fn();
  }
  getRequestId(): string {
    return (this.get<string>(PROTECTED_KEYS.REQUEST_ID) ?? '-') as string;
  }
  getXRayTraceId(): string | undefined {
    return this.get<string>(PROTECTED_KEYS.X_RAY_TRACE_ID);
  }
  getTenantId(): string | undefined {
    return this.get<string>(PROTECTED_KEYS.TENANT_ID);
  }

  /** The context an invocation runs in. */
  static contextFor(requestId: string, traceId: string | undefined, tenantId: string | undefined): Store {
    const ctx: Store = { [PROTECTED_KEYS.REQUEST_ID]: requestId, [PROTECTED_KEYS.X_RAY_TRACE_ID]: traceId };
    if (tenantId !== undefined) ctx[PROTECTED_KEYS.TENANT_ID] = tenantId;
    return ctx;
  }
}
