import type { Command } from 'commander';

/** Adds a module's commands to the program; `configOf` gives the config file a command uses. */
export type Registrar = (cli: Command, configOf: (command: Command) => string) => void;

interface CommandModule {
  /** the top-level commands the module adds, each with its summary: the line `contactsync --help` shows for it */
  readonly commands: Readonly<Record<string, string>>;
  readonly load: () => Promise<Registrar>;
}

/**
 * Every top-level command, and the module that defines it. A command's module (with the database, the web server
 * and the API clients behind it) is imported only when that command runs, so that `contactsync --help` answers at
 * once; the full description and the options are in the module and show with `contactsync COMMAND --help`.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    commands: { init: 'Write the config file (secrets encrypted) and create the database.' },
    load: async () => (await import('./commands/init.ts')).registerInit,
  },
  {
    commands: { config: 'The config file: set-secret changes one secret.' },
    load: async () => (await import('./commands/config.ts')).registerConfig,
  },
  {
    commands: { doctor: 'Check every connection and list the names the settings may use.' },
    load: async () => (await import('./commands/doctor.ts')).registerDoctor,
  },
  {
    commands: { tenants: 'Customer tenants: list, discover (GDAP), map, settings.' },
    load: async () => (await import('./commands/tenants.ts')).registerTenants,
  },
  {
    commands: { plan: 'What a sync would do, per user, old → new. Writes nothing.' },
    load: async () => (await import('./commands/plan.ts')).registerPlan,
  },
  {
    commands: { sync: 'Sync the customer tenants now (exit codes in `sync --help`).' },
    load: async () => (await import('./commands/sync.ts')).registerSync,
  },
  {
    commands: { daemon: 'Keep every mapped tenant in sync until stopped.' },
    load: async () => (await import('./commands/daemon.ts')).registerDaemon,
  },
  {
    commands: { attention: 'Everything that waits for a person, across customers; act on it.' },
    load: async () => (await import('./commands/attention.ts')).registerAttention,
  },
  {
    commands: {
      conflicts: 'The disputes the sync will not guess about: list, show, resolve.',
      approve: 'Approve the inactivations the deletion guard held back for a tenant.',
    },
    load: async () => (await import('./commands/conflicts.ts')).registerConflicts,
  },
  {
    commands: { contact: 'One person: show, sync-now, disable, enable, unlink, relink.' },
    load: async () => (await import('./commands/contact.ts')).registerContact,
  },
  {
    commands: { runs: 'The history of sync runs.', audit: 'The audit log: who did what.' },
    load: async () => (await import('./commands/runs.ts')).registerRuns,
  },
  {
    commands: {
      migrate: 'Bring the state database to the newest schema.',
      user: 'Logins of the web UI: add, list, remove, passwd, role.',
      token: 'Tokens for the REST API: add, list, revoke.',
    },
    load: async () => (await import('./commands/admin.ts')).registerAdmin,
  },
  {
    commands: { alerts: 'Where alerts go: list, test, send.' },
    load: async () => (await import('./commands/alerts.ts')).registerAlerts,
  },
  {
    commands: { serve: 'The web UI and the REST API; --daemon keeps the tenants in sync too.' },
    load: async () => (await import('./commands/serve.ts')).registerServe,
  },
  {
    commands: {
      worker: 'Scale-out (DATABASE_URL): take per-tenant sync jobs from the queue.',
      scheduler: 'Scale-out (DATABASE_URL): only schedule the per-tenant jobs.',
      jobs: 'Scale-out: the queue of sync jobs and those that failed.',
    },
    load: async () => (await import('./commands/scale-out.ts')).registerScaleOut,
  },
  {
    commands: {
      backup: 'A consistent copy of the SQLite database while contactsync runs.',
      restore: 'Put a backup in the place of the SQLite database (contactsync stopped).',
    },
    load: async () => (await import('./commands/backup.ts')).registerBackup,
  },
  {
    commands: { sandbox: 'Try it: simulated customers synced, then the web UI.' },
    load: async () => (await import('./commands/sandbox.ts')).registerSandbox,
  },
  {
    commands: { simulators: 'The simulators alone, with a config that points every command at them.' },
    load: async () => (await import('./commands/simulators.ts')).registerSimulators,
  },
];

/**
 * Adds a module's commands to the program, each with its line of the index as its summary (and as its description
 * when the module gives none): the listing of commands reads the same whether their modules were loaded or not.
 */
export async function addCommands(
  module: CommandModule,
  cli: Command,
  configOf: (command: Command) => string,
): Promise<void> {
  (await module.load())(cli, configOf);
  for (const command of cli.commands) {
    const summary = module.commands[command.name()];
    if (summary === undefined) continue;
    command.summary(summary);
    if (command.description() === '') command.description(summary);
  }
}

/** The module that defines a top-level command, if any does. */
export function moduleOf(name: string): CommandModule | undefined {
  return COMMAND_MODULES.find((module) => Object.hasOwn(module.commands, name));
}

/**
 * The top-level command an argument list names: the first word that is not an option (nor the value of
 * `-c/--config`), or the one after `help`.
 */
export function commandNamed(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-c' || arg === '--config') i++;
    else if (arg === 'help') return args[i + 1];
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
