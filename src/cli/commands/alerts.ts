import type { Command } from 'commander';
import { alertKindNames } from '../../alerts/alert-kinds.ts';
import type { AlertKind } from '../../domain/alert-kind.ts';
import { actor, withContext } from '../context.ts';
import { formatTable } from '../output.ts';
import { writeErr, writeOut } from '../terminal-text.ts';

export function registerAlerts(cli: Command, configOf: (command: Command) => string): void {
  const alerts = cli
    .command('alerts')
    .description(
      'Where alerts go (Teams, Slack, webhooks, email): set in the "alerts" block of the config file or on the web UI\'s Alerts page.',
    );

  alerts
    .command('list')
    .description('The alert channels (webhook addresses and passwords masked) and the interval between messages.')
    .option('--json', 'as JSON')
    .action((options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async (context) => {
          const view = await context.alerts.view();
          if (options.json === true) {
            writeOut(`${JSON.stringify(view)}\n`);
            return;
          }
          if (view.channels.length === 0) {
            writeOut(
              'No alert channel yet: add one in the "alerts" block of the config file (see the README) or on the Alerts page.\n',
            );
            return;
          }
          writeOut(
            `${formatTable(
              ['channel', 'type', 'to', 'kinds', 'tenants'],
              view.channels.map((c) => {
                const channel = c as {
                  name: string;
                  type: string;
                  url?: string;
                  to?: string[];
                  kinds: AlertKind[];
                  tenants: string[];
                };
                return [
                  channel.name,
                  channel.type,
                  channel.type === 'email' ? (channel.to ?? []).join(', ') : (channel.url ?? ''),
                  channel.kinds.join(', '),
                  channel.tenants.length === 0 ? 'every tenant' : channel.tenants.join(', '),
                ];
              }),
            )}\nAt most one message per kind per channel every ${view.intervalMinutes} minutes; links point at ${view.baseUrl}.\n`,
          );
        },
        { requireSecrets: false },
      ),
    );

  alerts
    .command('test [channel]')
    .description('Send a test alert now to one channel (by name), or to every channel.')
    .action((name: string | undefined, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async (context) => {
          const names = name === undefined ? (await context.alerts.settings()).channels.map((c) => c.name) : [name];
          if (names.length === 0)
            throw new Error(
              'No alert channel is set up: add one in the "alerts" block of the config file, or on the Alerts page.',
            );
          let failed = 0;
          for (const channel of names) {
            try {
              writeOut(`${await context.alerts.test(channel, actor())}\n`);
            } catch (error) {
              failed += 1;
              writeErr(`${(error as Error).message}\n`);
            }
          }
          if (failed > 0) process.exitCode = 1;
        },
        { requireSecrets: false },
      ),
    );

  alerts
    .command('send')
    .description(
      'Send the alerts that are due now (each channel gets at most one message per kind per interval); the daemon, serve and the workers do this every minute.',
    )
    .action((_options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async (context) => {
          const report = await context.alerts.dispatch();
          const names = alertKindNames(context.targets);
          for (const s of report.sent)
            writeOut(`Sent to "${s.channel}": ${s.items} ${s.items === 1 ? names[s.kind].one : names[s.kind].many}.\n`);
          for (const f of report.failed) writeErr(`${f.error}\n`);
          if (report.sent.length === 0 && report.failed.length === 0)
            writeOut('Nothing due: no new item, or every channel sent within its interval.\n');
          if (report.failed.length > 0) process.exitCode = 1;
        },
        { requireSecrets: false },
      ),
    );
}
