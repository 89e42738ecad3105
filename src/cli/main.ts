import { Command } from 'commander';
import { productVersion } from '../config/product-version.ts';
import { addCommands, COMMAND_MODULES, commandNamed, moduleOf } from './command-index.ts';
import { writeErr } from './terminal-text.ts';
import { roleTargetNames } from './known-targets.ts';

/** The config file a command uses: --config, else CONTACTSYNC_CONFIG, else ./contactsync.json. */
function configOf(command: Command): string {
  return (
    (command.optsWithGlobals() as { config?: string }).config ?? process.env.CONTACTSYNC_CONFIG ?? 'contactsync.json'
  );
}

/**
 * The program for these arguments: the named command's module alone is loaded. Without a command (`--help`,
 * `--version`) every command is listed by its line in the index; an unknown word loads them all, so that commander
 * can suggest the nearest.
 */
export async function program(args: readonly string[]): Promise<Command> {
  const cli = new Command('contactsync')
    .description(
      `Keeps Microsoft 365 users and the contacts of a documentation platform (${roleTargetNames('documentation')}) and a PSA (${roleTargetNames('psa')}) in step for every customer; either alone works too.`,
    )
    .version(productVersion())
    .option('-c, --config <file>', 'the config file (default: CONTACTSYNC_CONFIG, else ./contactsync.json)')
    .showHelpAfterError();
  const name = commandNamed(args);
  const named = name === undefined ? undefined : moduleOf(name);
  if (named !== undefined) await addCommands(named, cli, configOf);
  else if (name === undefined)
    for (const module of COMMAND_MODULES)
      for (const [command, summary] of Object.entries(module.commands)) cli.command(command).summary(summary);
  else for (const module of COMMAND_MODULES) await addCommands(module, cli, configOf);
  return cli;
}

// A reader that stops early (`contactsync plan | head`) closes the pipe: the command ends quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

try {
  await (await program(process.argv.slice(2))).parseAsync(process.argv);
} catch (error) {
  // A problem a person can fix: said plainly, without a stack trace.
  writeErr(`contactsync: ${(error as Error).message ?? String(error)}\n`);
  // Ended now: a server the command started before it failed (the sandbox's simulators) would keep it running.
  process.exit(1);
}
