// Node's 'beforeExit' fires when the event loop has nothing left to do. The runtime's connection
// is unref'd while a handler runs, so this means: the user's code left nothing pending.
export function onEmptyLoop(fn: () => void): () => void {
  process.on('beforeExit', fn);
  return () => process.off('beforeExit', fn);
}

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
