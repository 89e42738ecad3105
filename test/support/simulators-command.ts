import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { cliEntry } from './cli.ts';

/** `count` consecutive free ports on 127.0.0.1 (four: login, Graph, IT Glue, BMS): the first of them. */
export async function freePorts(count = 4): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const servers: Server[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const server = createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(base + i, '127.0.0.1', resolve);
        });
        servers.push(server);
      }
      return base;
    } catch {
      // taken: try elsewhere
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  }
}

export interface RunningCommand {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** `contactsync simulators ...` started as a user starts it, until it says where its config is. */
export async function startSimulatorsCommand(args: readonly string[], cwd: string): Promise<RunningCommand> {
  const child = spawn(process.execPath, [cliEntry(), 'simulators', ...args], {
    cwd,
    env: { ...process.env, CONTACTSYNC_DATA_DIR: join(cwd, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!/Stop with Ctrl-C/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`contactsync simulators did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}
