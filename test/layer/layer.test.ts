// The layer zip: reproducible (a second build from the same inputs has the same sha256), laid out
// as Lambda unpacks it at /opt, with the right modes, and checked against provided.al2023's glibc.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../fakes/spawn-runtime.ts';

const built = join(ROOT, 'build/layer/lambda-node-node24-x86_64.zip');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface Entry { name: string; mode: string; date: number[]; size: number }
function entries(zip: string): Entry[] {
  const py = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([{"name": i.filename, "mode": oct(i.external_attr >> 16), "date": list(i.date_time), "size": i.file_size} for i in z.infolist()]))`;
  return JSON.parse(execFileSync('python3', ['-c', py, zip], { encoding: 'utf8' }));
}

describe('layer zip (x86_64, Node 24)', () => {
  let dir: string;
  let rebuilt: string;
  let output: string;
  beforeAll(() => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run make test-prereqs`);
    dir = mkdtempSync(join(tmpdir(), 'lambda-node-layer-'));
    rebuilt = join(dir, 'again.zip');
    output = execFileSync('python3', [join(ROOT, 'layer/build.py'), '--arch', 'x86_64', '--node-major', '24', '--out', rebuilt], { cwd: ROOT, encoding: 'utf8' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is reproducible: a second build has the same sha256', () => {
    expect(sha256(rebuilt)).toBe(sha256(built));
    expect(output).toContain(`sha256   ${sha256(rebuilt)}`);
  });

  it('is laid out as Lambda unpacks it at /opt, entries sorted, fixed timestamps and modes', () => {
    const list = entries(rebuilt);
    const files = list.filter((e) => !e.name.endsWith('/'));
    expect(files.map((e) => e.name)).toEqual([
      'bin/node',
      'bootstrap',
      'lambda-node/managed.cjs',
      'lambda-node/runtime.cjs',
      'lib/libgcc_s.so.1',
      'lib/libstdc++.so.6',
      'licenses/libstdc++-libgcc.copyright',
      'licenses/node.LICENSE',
    ]);
    const mode = Object.fromEntries(files.map((e) => [e.name, e.mode]));
    expect(mode['bootstrap']).toBe('0o100755');
    expect(mode['bin/node']).toBe('0o100755');
    expect(mode['lambda-node/runtime.cjs']).toBe('0o100644');
    expect(mode['lambda-node/managed.cjs']).toBe('0o100644');
    expect(mode['lib/libstdc++.so.6']).toBe('0o100755');
    for (const e of list) expect(e.date).toEqual([1980, 1, 1, 0, 0, 0]);
  });

  it('checks every shipped ELF against glibc 2.34 and prints sizes against Lambda limits', () => {
    expect(output).toMatch(/bin\/node\s+needs GLIBC_2\.28, GLIBCXX_3\.4\.21\s+ok/);
    expect(output).toMatch(/lib\/libstdc\+\+\.so\.6\s+needs GLIBC_2\.18\s+ok/);
    expect(output).toMatch(/zipped\s+[\d.]+ MB\s+\(limit 50\.0 MB/);
    expect(output).toMatch(/unzipped\s+[\d.]+ MB\s+\(limit 250\.0 MB/);
    const zipped = readFileSync(rebuilt).length;
    expect(zipped).toBeLessThan(50 * 1024 * 1024);
  });

  it('the glibc check can fail: this machine\'s own libstdc++ needs a newer glibc than 2.34', () => {
    const py = `import importlib.util, sys
spec = importlib.util.spec_from_file_location("b", sys.argv[1]); b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b)
print(b.glibc_needs(sys.argv[2])[0])`;
    const host = '/lib/x86_64-linux-gnu/libstdc++.so.6';
    const needs = execFileSync('python3', ['-c', py, join(ROOT, 'layer/build.py'), host], { encoding: 'utf8' }).trim();
    const [major, minor] = needs.split('.').map(Number);
    expect(major).toBe(2);
    expect(minor).toBeGreaterThan(34);
  });
});
