// Log lines as the RIE relays them: text records "<ISO timestamp>\t<request id>\t<LEVEL>\t<message>"
// and, with AWS_LAMBDA_LOG_FORMAT=JSON, one JSON record per line; the request id is the RIE's.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startRie, type StartedRie } from '../fakes/rie.ts';
import { NODE_MAJORS } from '../fakes/spawn-runtime.ts';

const TASK_ROOT = join(import.meta.dirname, 'fixtures/logs');
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// What test/rie/fixtures/logs/index.mjs prints per invoke, as [level, message]. Newlines in a
// message become \r so that one record stays one line.
const RECORDS = [
  ['INFO', 'hello world { a: 1 }'],
  ['INFO', 'info'],
  ['WARN', 'careful'],
  ['ERROR', 'oops'],
  ['INFO', 'line one\rline two'],
];
let rie: StartedRie | undefined;
afterEach(async () => {
  await rie?.stop();
  rie = undefined;
});

function assertRecent(timestamp: string, before: number) {
  expect(timestamp).toMatch(ISO);
  const t = Date.parse(timestamp);
  expect(t).toBeGreaterThanOrEqual(before - 1);
  expect(t).toBeLessThanOrEqual(Date.now());
}

describe.each(NODE_MAJORS)('node %i', (node) => {
  it('writes text records with the request id of the RIE\'s START line', async () => {
    rie = await startRie({ node, taskRoot: TASK_ROOT, handler: 'index.handler' });
    const before = Date.now();
    for (const round of [1, 2]) {
      const res = await rie.invoke({});
      expect(res.body).toBe('"logged"');
      const log = await res.log();
      expect(log.lines[0]).toBe(`START RequestId: ${log.requestId} Version: $LATEST`);
      expect(log.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // The module's init line comes with the first invoke only, without a request id.
      const runtime = round === 1 ? log.runtime.slice(1) : log.runtime;
      if (round === 1) expect(log.runtime[0]).toMatch(new RegExp(`\\t${node >= 24 ? '-' : 'undefined'}\\tINFO\\tinit$`));
      expect(runtime).toHaveLength(RECORDS.length);
      runtime.forEach((line, i) => {
        const fields = line.split('\t');
        expect(fields, line).toHaveLength(4);
        assertRecent(fields[0]!, before);
        expect(fields.slice(1)).toEqual([log.requestId, ...RECORDS[i]!]);
      });
      expect(log.lines.at(-2)).toBe(`END RequestId: ${log.requestId}`);
    }
  });

  it('writes JSON records {timestamp, level, requestId, message} with AWS_LAMBDA_LOG_FORMAT=JSON', async () => {
    rie = await startRie({ node, taskRoot: TASK_ROOT, handler: 'index.handler', env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' } });
    const before = Date.now();
    const res = await rie.invoke({});
    expect(res.body).toBe('"logged"');
    const log = await res.log();
    const records = log.runtime.map((line) => JSON.parse(line));
    const init = records.shift();
    // Init output has no request id: "-" as aws-lambda-ric 4.x writes it, none at all as 3.x.
    const initRecord = node >= 24 ? { timestamp: init.timestamp, level: 'INFO', requestId: '-', message: 'init' } : { timestamp: init.timestamp, level: 'INFO', message: 'init' };
    expect(init).toEqual(initRecord);
    expect(Object.keys(init)).toEqual(Object.keys(initRecord));
    assertRecent(init.timestamp, before);
    expect(records).toHaveLength(RECORDS.length);
    records.forEach((record, i) => {
      expect(Object.keys(record)).toEqual(['timestamp', 'level', 'requestId', 'message']);
      assertRecent(record.timestamp, before);
      const [level, message] = RECORDS[i]!;
      expect(record).toEqual({ timestamp: record.timestamp, level, requestId: log.requestId, message: message!.replace('\r', '\n') });
    });
  });
});
