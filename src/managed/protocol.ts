// What a Managed Instances worker thread tells the manager (main thread), and what it is given.
export type ToManager =
  /** Init done; its /next is about to be parked. */
  | { readonly t: 'ready' }
  /** An invocation taken / answered: the manager answers for those in flight if the thread dies. */
  | { readonly t: 'start'; readonly id: string }
  | { readonly t: 'end'; readonly id: string }
  /** This thread reported the function's init error (/init/error posted): the process exits 1. */
  | { readonly t: 'init-failed' }
  /** A replacement thread could not init; the manager tries again later. */
  | { readonly t: 'replacement-failed' }
  /** Uncaught error: no more /next; the thread exits once its invocations are answered. */
  | { readonly t: 'retire'; readonly reason: string }
  /** /next failed for good (retries spent). */
  | { readonly t: 'api-gone'; readonly message: string };

export interface WorkerData {
  readonly workerId: number;
  /** Int32 0 until a thread claims the one /init/error. */
  readonly initFlag: SharedArrayBuffer;
  /** Started to replace a thread that died after init. */
  readonly replacement: boolean;
}
