// Failures as the RIE's caller sees them: a handler error (the runtime's /error body, passed through
// verbatim) and an init error (the RIE answers 502 with the runtime's /init/error body).
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { NODE_MAJORS, stageDir } from '../fakes/spawn-runtime.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TIMESTAMP = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('passes a handler error through as {errorType, errorMessage, trace} and keeps serving', async () => {
    const taskRoot = join(FIXTURES, 'handler-error');
    rie = await startRie({ node, taskRoot, handler: 'index.handler' });
    const res = await rie.invoke({});
    // The RIE answers a function error like a result: 200, text/plain, no X-Amz-Function-Error.
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-amz-function-error']).toBeUndefined();
    const body = res.json();
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
    // Exactly these bytes up to the stack frames.
    const prefix =
      '{"errorType":"TypeError","errorMessage":"order 42 has no items\\nsecond line of the message",' +
      '"trace":["TypeError: order 42 has no items","second line of the message","    at ';
    expect(res.body.slice(0, prefix.length)).toBe(prefix);
    expect(body.trace.every((l: unknown) => typeof l === 'string')).toBe(true);
    // The top frame is the handler (aws-lambda-ric names it through its caller: "X.handler").
    expect(body.trace[2]).toMatch(new RegExp(`^    at (?:\\w+\\.)?handler \\(file://${join(taskRoot, 'index.mjs')}:2:9\\)$`));
    expect(JSON.stringify(body)).toBe(res.body);

    // The runtime logs the same error once, as aws-lambda-ric does: "Invoke Error \t" + JSON.
    const log = await res.log();
    expect(log.runtime).toHaveLength(1);
    const m = new RegExp(`^(${TIMESTAMP})\\t${log.requestId}\\tERROR\\tInvoke Error \\t(\\{.*\\})$`).exec(log.runtime[0]!);
    expect(m, log.runtime[0]).not.toBeNull();
    expect(JSON.parse(m![2]!)).toEqual({ errorType: 'TypeError', errorMessage: body.errorMessage, stack: body.trace });

    // A handler error does not end the runtime: the next invoke runs in the same process.
    const again = await rie.invoke({});
    expect(again.json().errorType).toBe('TypeError');
    await again.log();
    expect(rie.rapidLogs().filter((l) => l.includes('INIT START'))).toHaveLength(1);
  });

  it('answers an init error (missing module) with 502 and the runtime\'s /init/error body', async () => {
    rie = await startRie({ node, taskRoot: join(FIXTURES, 'init-error'), handler: 'missing.handler' });
    const res = await rie.invoke({});
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const body = res.json();
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
    const message = `Error: Cannot find module 'missing'\nRequire stack:\n- ${stageDir(node)}/lambda-node/runtime.cjs`;
    expect(body.errorType).toBe('Runtime.ImportModuleError');
    expect(body.errorMessage).toBe(message);
    expect(body.trace.slice(0, 3)).toEqual([
      "Runtime.ImportModuleError: Error: Cannot find module 'missing'",
      'Require stack:',
      `- ${stageDir(node)}/lambda-node/runtime.cjs`,
    ]);
    expect(body.trace.every((l: unknown) => typeof l === 'string')).toBe(true);

    // The runtime logged the error in the official record before exiting: Node 24 as aws-lambda-ric
    // 4.x ("Init Error", no request id: "-"), Node 22 as 3.x ("Uncaught Exception", "undefined").
    const [label, id, keys] = node >= 24
      ? ['Init Error', '-', ['errorType', 'errorMessage', 'name', 'stack']]
      : ['Uncaught Exception', 'undefined', ['errorType', 'errorMessage', 'stack']];
    const line = await rie.waitForLog(/\tERROR\t/);
    const m = new RegExp(`^${TIMESTAMP}\\t${id}\\tERROR\\t${label} \\t(\\{.*\\})$`).exec(line);
    expect(m, line).not.toBeNull();
    const record = JSON.parse(m![1]!);
    expect(Object.keys(record)).toEqual(keys);
    expect(record.errorType).toBe('Runtime.ImportModuleError');
    expect(record.errorMessage).toBe(message);
    expect(record.stack).toEqual(body.trace);
    // ...and exited as the official runtime does: 1 on Node 24 (4.x lets the error end the process),
    // 129 on Node 22 (3.x's uncaughtException path). The RIE reports that as the init failure.
    const status = node >= 24 ? 1 : 129;
    await rie.waitForLog(new RegExp(`\\(rapid\\) Process runtime-1 exited: exit status ${status}$`), { rapid: true });
    await rie.waitForLog(/\(rapid\) INIT RTDONE\(status: error\)$/, { rapid: true });

    // The RIE starts the runtime again for the next invoke; init fails the same way.
    const again = await rie.invoke({});
    expect(again.status).toBe(502);
    expect(again.body).toBe(res.body);
    const firstExit = rie.rapidLogs().findIndex((l) => l.includes(' exited: exit status '));
    await rie.waitForLog(new RegExp(`\\(rapid\\) Process runtime-\\d+ exited: exit status ${status}$`), { rapid: true, from: firstExit + 1 });
    // A failed init prints START but no END or REPORT.
    expect(rie.logs().filter((l) => l.startsWith('START RequestId: '))).toHaveLength(2);
    expect(rie.logs().filter((l) => /^(END|REPORT) RequestId: /.test(l))).toEqual([]);
  });
});
