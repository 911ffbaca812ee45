// The invoke loop. An invocation ends only when the next /next is called: nothing of the runtime's
// runs between posting a result and asking for the next event.
import type { Invocation } from '../api/client.ts';
import type { Outcome } from './outcome.ts';

export interface LoopSteps {
  next(): Promise<Invocation | undefined>;
  handle(inv: Invocation): Promise<Outcome>;
  post(inv: Invocation, outcome: Outcome): Promise<void>;
}

export async function runLoop(steps: LoopSteps): Promise<void> {
  for (let inv = await steps.next(); inv; inv = await steps.next()) {
    await steps.post(inv, await steps.handle(inv));
  }
}
