import { describe, expect, it } from 'vitest';
import { availableCpus, workerCount } from '../../../src/managed/count.ts';

const file = (text: string) => () => text;
const missing = () => {
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

describe('availableCpus (cgroup v2 cpu.max, as aws-lambda-ric 4.x reads it)', () => {
  it('rounds quota/period up', () => {
    expect(availableCpus(file('200000 100000\n'), () => 64)).toBe(2);
    expect(availableCpus(file('150000 100000'), () => 64)).toBe(2);
    expect(availableCpus(file('50000 100000'), () => 64)).toBe(1);
  });
  it('"max" (no quota): every CPU the machine shows', () => {
    expect(availableCpus(file('max 100000'), () => 6)).toBe(6);
    expect(availableCpus(file('max 100000'), () => 0)).toBe(1);
  });
  it('unreadable or nonsense: 1', () => {
    expect(availableCpus(missing, () => 8)).toBe(1);
    expect(availableCpus(file('0 100000'), () => 8)).toBe(1);
    expect(availableCpus(file(''), () => 8)).toBe(1);
  });
});

describe('workerCount', () => {
  it('AWS_LAMBDA_NODEJS_WORKER_COUNT wins', () => {
    expect(workerCount('3', () => 4)).toEqual({ count: 3 });
    expect(workerCount('12abc', () => 4)).toEqual({ count: 12 }); // parseInt, as 4.x
  });
  it('else 8 per vCPU', () => {
    expect(workerCount(undefined, () => 2)).toEqual({ count: 16 });
    expect(workerCount('', () => 1)).toEqual({ count: 8 });
  });
  it('a value that is no positive integer: the default, with a warning (4.x would start no thread at all)', () => {
    const r = workerCount('zero', () => 2);
    expect(r.count).toBe(16);
    expect(r.warning).toMatch(/AWS_LAMBDA_NODEJS_WORKER_COUNT="zero" is not a positive integer: running 16 workers/);
    expect(workerCount('0', () => 1).count).toBe(8);
  });
});
