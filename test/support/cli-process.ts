import { spawn, type ChildProcess } from 'node:child_process';
import { cliEntry } from './cli.ts';

/** A long-running `contactsync` command (daemon, serve, worker), its output kept. */
export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
  /** waits for `pattern` in the output; throws with the output when it does not come */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
}

/**
 * Starts `contactsync ARGS` as its own process. As with `runCli`, the test run's own `DATABASE_URL` is not passed on:
 * a test that wants PostgreSQL gives its database in `env`. `prefix` runs it under another command (`unshare`).
 */
export function startCli(
  args: readonly string[],
  env: Record<string, string>,
  prefix: readonly string[] = [],
): CliProcess {
  const { DATABASE_URL: _shared, ...inherited } = process.env;
  const command = [...prefix, process.execPath, cliEntry(), ...args];
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = pattern.exec(output);
        if (found !== null) return found;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no ${pattern} from contactsync ${args.join(' ')}; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `check` until it holds; throws saying what was awaited. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
