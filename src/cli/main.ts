import { Command } from 'commander';
import { productVersion } from '../config/product-version.ts';
import { registerAdmin } from './commands/admin.ts';
import { registerAlerts } from './commands/alerts.ts';
import { registerAttention } from './commands/attention.ts';
import { registerConfig } from './commands/config.ts';
import { registerConflicts } from './commands/conflicts.ts';
import { registerContact } from './commands/contact.ts';
import { registerDaemon } from './commands/daemon.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerInit } from './commands/init.ts';
import { registerPlan } from './commands/plan.ts';
import { registerRuns } from './commands/runs.ts';
import { registerSandbox } from './commands/sandbox.ts';
import { registerScaleOut } from './commands/scale-out.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimulators } from './commands/simulators.ts';
import { registerSync } from './commands/sync.ts';
import { registerTenants } from './commands/tenants.ts';
import { writeErr } from './terminal-text.ts';

/** The config file a command uses: --config, else CONTACTSYNC_CONFIG, else ./contactsync.json. */
function configOf(command: Command): string {
  return (
    (command.optsWithGlobals() as { config?: string }).config ?? process.env.CONTACTSYNC_CONFIG ?? 'contactsync.json'
  );
}

export function program(): Command {
  const cli = new Command('contactsync')
    .description('Keeps Microsoft 365 users, IT Glue contacts and Kaseya BMS contacts in step for every customer.')
    .version(productVersion())
    .option('-c, --config <file>', 'the config file (default: CONTACTSYNC_CONFIG, else ./contactsync.json)')
    .showHelpAfterError();
  registerInit(cli, configOf);
  registerConfig(cli, configOf);
  registerDoctor(cli, configOf);
  registerTenants(cli, configOf);
  registerPlan(cli, configOf);
  registerSync(cli, configOf);
  registerDaemon(cli, configOf);
  registerAttention(cli, configOf);
  registerConflicts(cli, configOf);
  registerContact(cli, configOf);
  registerRuns(cli, configOf);
  registerAdmin(cli, configOf);
  registerAlerts(cli, configOf);
  registerServe(cli, configOf);
  registerScaleOut(cli, configOf);
  registerSandbox(cli);
  registerSimulators(cli);
  return cli;
}

// A reader that stops early (`contactsync plan | head`) closes the pipe: the command ends quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

try {
  await program().parseAsync(process.argv);
} catch (error) {
  // A problem a person can fix: said plainly, without a stack trace.
  writeErr(`contactsync: ${(error as Error).message ?? String(error)}\n`);
  process.exitCode = 1;
}
