import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { printable } from './terminal-text.ts';

/**
 * Questions on the terminal (standard error, so that standard output stays for results). A secret is typed without
 * echo: nothing of it reaches the screen. Each answer is checked as it is given, and the question asked again
 * until the answer passes.
 */
export class Prompter {
  private muted = false;
  private readonly rl: Interface;

  constructor(
    input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stderr,
  ) {
    // Everything readline would draw passes through here, and is dropped while a secret is typed.
    const screen = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (!this.muted) this.output.write(chunk);
        done();
      },
    });
    this.rl = createInterface({ input, output: screen, terminal: true });
    // Ctrl-C leaves at once: nothing is written before the last answer.
    this.rl.on('SIGINT', () => {
      this.muted = false;
      this.output.write('\nStopped; nothing was written.\n');
      this.rl.close();
      process.exit(130);
    });
  }

  say(text: string): void {
    this.output.write(`${printable(text)}\n`);
  }

  /** One answer, trimmed; the fallback when the answer is empty. A secret is read without echo. */
  async ask(question: string, options: { secret?: boolean; fallback?: string } = {}): Promise<string> {
    const label = `${question}${options.fallback === undefined || options.fallback === '' ? '' : ` [${options.fallback}]`}: `;
    let answer: string;
    if (options.secret === true) {
      this.output.write(label);
      this.muted = true;
      try {
        answer = await this.rl.question('');
      } finally {
        this.muted = false;
        this.output.write('\n');
      }
    } else answer = await this.rl.question(label);
    answer = answer.trim();
    return answer === '' ? (options.fallback ?? '') : answer;
  }

  /** Asks until `check` passes (it returns the problem, or null), saying each problem before asking again. */
  async askUntil(
    question: string,
    check: (answer: string) => string | null | Promise<string | null>,
    options: { secret?: boolean; fallback?: string } = {},
  ): Promise<string> {
    for (;;) {
      const answer = await this.ask(question, options);
      const problem = await check(answer);
      if (problem === null) return answer;
      this.say(`  ${problem}`);
    }
  }

  close(): void {
    this.rl.close();
  }
}
