// The invoke loop. An invocation ends only when the next /next is called: nothing of the runtime's
// runs between posting a result and asking for the next event. For a streaming function the loop
// opens the invocation's response stream first and hands it to both steps.
import type { Invocation } from '../api/client.ts';
import type { Outcome } from './outcome.ts';

export interface LoopSteps<S = never> {
  next(): Promise<Invocation | undefined>;
  open?(inv: Invocation): S;
  handle(inv: Invocation, stream?: S): Promise<Outcome>;
  post(inv: Invocation, outcome: Outcome, stream?: S): Promise<void>;
}

export async function runLoop<S>(steps: LoopSteps<S>): Promise<void> {
  for (let inv = await steps.next(); inv; inv = await steps.next()) {
    const stream = steps.open?.(inv);
    await steps.post(inv, await steps.handle(inv, stream), stream);
  }
}
