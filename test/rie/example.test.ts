// `make example`, the README's first command: scripts/example.mjs on a staged runtime.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { NODE_MAJORS, ROOT, stageDir } from '../fakes/spawn-runtime.ts';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [join(ROOT, 'scripts/example.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('invokes examples/hello once and prints its result and log lines', async () => {
    const { code, stdout, stderr } = await run([stageDir(node)]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [, result, logs] = /\nResult:\n([\s\S]*?)\n\nLogs:\n([\s\S]*)$/.exec(stdout)!;
    const parsed = JSON.parse(result!);
    expect(parsed.statusCode).toBe(200);
    expect(parsed.headers).toEqual({ 'content-type': 'application/json' });
    const body = JSON.parse(parsed.body);
    expect(body).toEqual({ message: 'Hello, lambda-node!', coldStart: true, requestId: body.requestId, node: body.node });
    expect(body.node).toMatch(new RegExp(`^v${node}\\.`));
    const lines = logs!.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`START RequestId: ${body.requestId} Version: $LATEST`);
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${body.requestId}\\tINFO\\tgreeting lambda-node \\(GET /hello\\)$`));
    expect(lines[2]).toBe(`END RequestId: ${body.requestId}`);
    expect(lines[3]).toMatch(new RegExp(`^REPORT RequestId: ${body.requestId}\\t`));
  });
});

it('exits 1 with a clear message when the function fails', async () => {
  const { code, stderr } = await run([stageDir(24), join(import.meta.dirname, 'fixtures/example/null-event.json')]);
  expect(code).toBe(1);
  expect(stderr).toBe("\nexample: the function returned an error: TypeError: Cannot read properties of null (reading 'queryStringParameters')\n");
});

it('exits 1 naming the make target when the stage is missing', async () => {
  const { code, stderr } = await run(['build/stage/x86_64-node99']);
  expect(code).toBe(1);
  expect(stderr).toBe('example: build/stage/x86_64-node99 has no bootstrap: run make stage NODE_MAJOR=99 ARCH=x86_64\n');
});
