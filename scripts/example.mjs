// example.mjs STAGE_DIR [EVENT_JSON]: runs examples/hello on a staged runtime (build/stage/<arch>-node<major>,
// laid out as the layer at /opt) under AWS's Runtime Interface Emulator, invokes it once with
// examples/hello/event.json (an API Gateway HTTP API event) and prints the result and the log lines.
// `make example` stages the runtime and fetches the RIE first. Writes nothing: the RIE runs the
// function from examples/hello in place.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
// The same RIE driver the end-to-end tests use (Node runs the .ts file by stripping its types).
import { rieBinary, startRie } from '../test/fakes/rie.ts';
import { HOST_ARCH, ROOT } from '../test/fakes/spawn-runtime.ts';

const FUNCTION_DIR = join(ROOT, 'examples/hello');
const HANDLER = 'index.handler';
// Bounds a hung example; the RIE's own default is 300 s.
const TIMEOUT_SECONDS = '10';

class ExampleError extends Error {}

async function main() {
  const [stageArg, eventArg = join(FUNCTION_DIR, 'event.json')] = process.argv.slice(2);
  if (!stageArg) throw new ExampleError('usage: node scripts/example.mjs build/stage/<arch>-node<major> [event.json]');
  const stage = resolve(stageArg);
  const m = /^(x86_64|arm64)-node(\d+)$/.exec(basename(stage));
  if (!m) throw new ExampleError(`${stageArg} is not a staged runtime directory (build/stage/<arch>-node<major>)`);
  const [, arch, major] = m;
  if (!existsSync(join(stage, 'bootstrap'))) throw new ExampleError(`${stageArg} has no bootstrap: run make stage NODE_MAJOR=${major} ARCH=${arch}`);
  if (arch !== HOST_ARCH) throw new ExampleError(`${stageArg} holds an ${arch} runtime; this machine runs ${HOST_ARCH} (try ARCH=${HOST_ARCH})`);
  if (!existsSync(rieBinary())) throw new ExampleError(`${relative(ROOT, rieBinary())} is missing: run make rie`);
  const event = JSON.parse(readFileSync(eventArg, 'utf8'));

  console.log(`lambda-node on Node ${major} (${relative(ROOT, stage) || stage}), ${relative(ROOT, FUNCTION_DIR)} ${HANDLER}, under the AWS Lambda RIE`);
  const rie = await startRie({
    stage,
    taskRoot: FUNCTION_DIR,
    handler: HANDLER,
    env: { AWS_LAMBDA_FUNCTION_NAME: 'hello', AWS_LAMBDA_FUNCTION_TIMEOUT: TIMEOUT_SECONDS },
  });
  try {
    const res = await rie.invoke(event);
    let result;
    try {
      result = JSON.parse(res.body);
    } catch {
      result = res.body;
    }
    let lines;
    try {
      lines = (await res.log()).lines;
    } catch {
      // No REPORT line (the runtime died): show whatever the RIE printed.
      lines = rie.logs();
    }
    const failed = res.status !== 200 || (result !== null && typeof result === 'object' && 'errorType' in result);
    console.log(`\nResult${failed ? ` (HTTP ${res.status}, the invocation failed)` : ''}:`);
    console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
    console.log('\nLogs:');
    for (const line of lines) console.log(line.trimEnd());
    if (res.status !== 200) {
      // The RIE itself failed the invoke (init error, crash): its own log says why.
      console.error(`\nexample: the RIE answered HTTP ${res.status}; its own log:`);
      for (const line of rie.rapidLogs()) console.error(line);
      return 1;
    }
    if (failed) {
      console.error(`\nexample: the function returned an error: ${result.errorType}: ${result.errorMessage}`);
      return 1;
    }
    return 0;
  } finally {
    await rie.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`example: ${err instanceof ExampleError ? err.message : (err?.stack ?? err)}`);
    process.exit(1);
  },
);
