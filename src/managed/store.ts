// The InvokeStore under Managed Instances: each invocation's context lives in an
// AsyncLocalStorage, so code running for one invocation (its awaits, timers, callbacks) sees its
// own request id, trace id and tenant id however many run at once. Same interface as the
// single-concurrency store and as npm @aws/lambda-invoke-store's InvokeStoreMulti.
import { AsyncLocalStorage } from 'node:async_hooks';
import { InvokeStore } from '../invoke/store.ts';

type Store = Record<string | symbol, unknown>;

export class InvokeStoreMulti extends InvokeStore {
  private readonly als = new AsyncLocalStorage<Store>();

  override getContext(): Store | undefined {
    return this.als.getStore();
  }
  override hasContext(): boolean {
    return this.als.getStore() !== undefined;
  }
  override get<T = unknown>(key: string | symbol): T | undefined {
    return this.als.getStore()?.[key] as T | undefined;
  }
  override set(key: string | symbol, value: unknown): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    const store = this.als.getStore();
    if (!store) throw new Error('No context available');
    store[key] = value;
  }
  override run<T>(context: Store, fn: () => T): T {
    return this.als.run(context, fn);
  }
}
