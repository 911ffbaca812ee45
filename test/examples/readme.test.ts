// The README shows the examples exactly as the other tests in this folder run them: every fenced
// block under a `<!-- example: <path> -->` marker must equal that file, byte for byte.
// examples/attach-layer/README.md holds the "Attach the layer" section (the top README carries a
// copy of it); it must show every example file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './tools.ts';

const SHOWN = [
  'examples/attach-layer/hello/index.mjs',
  'examples/attach-layer/aws-cli.sh',
  'examples/attach-layer/template.yaml',
  'examples/attach-layer/cdk/app.ts',
  'examples/attach-layer/cdk/cdk.json',
];

function markedBlocks(markdown: string): { path: string; body: string }[] {
  const re = /<!-- example: (\S+) -->\r?\n```[\w-]*\r?\n([\s\S]*?)^```$/gm;
  return [...markdown.matchAll(re)].map((m) => ({ path: m[1]!, body: m[2]! }));
}

describe('README snippets are the tested example files', () => {
  it('examples/attach-layer/README.md shows every example file', () => {
    const blocks = markedBlocks(readFileSync(join(ROOT, 'examples/attach-layer/README.md'), 'utf8'));
    expect(blocks.map((b) => b.path)).toEqual(SHOWN);
  });

  for (const readme of ['README.md', 'examples/attach-layer/README.md']) {
    it(`${readme}: each marked block equals its file`, () => {
      const blocks = markedBlocks(readFileSync(join(ROOT, readme), 'utf8'));
      for (const b of blocks) {
        expect(existsSync(join(ROOT, b.path)), `${readme} shows ${b.path}, which does not exist`).toBe(true);
        expect(b.body, `${readme}: the block for ${b.path} differs from the file`).toBe(readFileSync(join(ROOT, b.path), 'utf8'));
      }
    });
  }
});
