// An integration test of a function, as a user writes it with lambda-node's test kit: the function
// runs on provided.al2023 with the lambda-node layer, under AWS's Runtime Interface Emulator.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFunction, type StartedLambdaContainer } from 'lambda-node/testkit';

let fn: StartedLambdaContainer;
beforeAll(async () => {
  fn = await startFunction({ dir: 'examples/hello', handler: 'index.handler', env: { STAGE: 'test' } });
}, 120_000);
afterAll(() => fn?.stop());

it('greets the caller, cold then warm', async () => {
  const event = JSON.parse(readFileSync('examples/hello/event.json', 'utf8'));
  const first = await fn.invoke(event);
  expect(first.error).toBeUndefined();
  expect(first.result).toMatchObject({ statusCode: 200 });
  expect(JSON.parse((first.result as { body: string }).body)).toMatchObject({ message: 'Hello, lambda-node!', coldStart: true });
  expect(first.logs.some((line) => line.includes('INFO\tgreeting lambda-node (GET /hello)'))).toBe(true);

  const second = await fn.invoke(event);
  expect(JSON.parse((second.result as { body: string }).body)).toMatchObject({ coldStart: false });
});
