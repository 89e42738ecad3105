import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * A command run on a pseudo-terminal (util-linux `script`), typed at like a person: wait for a prompt, type a line.
 * `screen` is everything the terminal showed, echo included.
 */
export class Terminal {
  screen = '';
  private seen = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;

  constructor(command: readonly string[], env: Record<string, string>, cwd: string) {
    const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    const { DATABASE_URL: _shared, ...inherited } = process.env;
    this.child = spawn('script', ['-q', '-e', '-c', quoted, '/dev/null'], {
      cwd,
      env: { ...inherited, ...env, TERM: 'dumb' },
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.screen += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.screen += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Waits until the terminal shows `text` after what was waited for last; fails with the screen after `ms`. */
  async waitFor(text: string | RegExp, ms = 20_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const rest = this.screen.slice(this.seen);
      const at = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
      if (at >= 0) {
        const shown = rest.slice(0, at);
        const length = typeof text === 'string' ? text.length : (rest.slice(at).match(text)?.[0].length ?? 0);
        this.seen += at + length;
        return shown;
      }
      if (Date.now() > deadline)
        throw new Error(`The terminal did not show ${String(text)} in ${ms} ms. It shows:\n${this.screen}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    this.child.stdin.write(`${line}\r`);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
