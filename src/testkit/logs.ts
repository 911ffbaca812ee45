// Collects a container's output (stdout and stderr, as the engine interleaves them) as lines, and
// tells the RIE's own diagnostics ("... [INFO] (rapid) ...") from what Lambda would put in the
// function's log stream (the runtime's output and START / END / REPORT).
import type { Readable } from 'node:stream';

const RAPID = /^\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2},\d{3} \[[A-Z]+\] \(rapid\) /;

export function isEmulatorLine(line: string): boolean {
  return RAPID.test(line);
}

export class LogLines {
  readonly lines: string[] = [];
  private partial = '';
  private lastLineAt = 0;
  private waiters: Array<() => void> = [];

  consume(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    stream.on('end', () => this.flush());
  }

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.lines.push(p.endsWith('\r') ? p.slice(0, -1) : p);
    if (parts.length > 0) {
      this.lastLineAt = Date.now();
      this.wake();
    }
  }

  flush(): void {
    if (this.partial) this.lines.push(this.partial);
    this.partial = '';
    this.wake();
  }

  /** Resolves once `pred` holds for some line from index `from` on, or after `ms`. */
  async waitFor(from: number, pred: (line: string) => boolean, ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.lines.findIndex((l, n) => n >= from && pred(l));
      if (i >= 0) return i;
      const left = deadline - Date.now();
      if (left <= 0) return -1;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /**
   * Resolves once no line has come for `quietMs` (or after `maxMs`). The engine delivers stdout
   * and stderr through separate pipes, so a line written before another may arrive after it.
   */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const wait = Math.min(this.lastLineAt + quietMs, deadline) - Date.now();
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
