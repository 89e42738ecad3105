import type { Command } from 'commander';
import { positiveNumber } from '../option-parsers.ts';
import { startAlertTimer } from '../../alerts/alert-timer.ts';
import { Daemon } from '../../jobs/daemon.ts';
import { lanedDispatcher } from '../../jobs/run-lanes.ts';
import { ownPollSeconds, pollSecondsOf, registerConfiguredTenantsOrCarryOn, withContext } from '../context.ts';
import { buildNotificationApp } from '../../web/notification-routes.ts';
import { pushServices } from '../push.ts';
import { firstPassLine, pollPace, runLine, untilStopped } from '../output.ts';
import { printable, writeErr, writeOut } from '../terminal-text.ts';

export function registerDaemon(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('daemon')
    .description(
      'Keep every mapped tenant in sync: read Microsoft 365 changes every pollSeconds (one Graph request when nothing changed), reconcile in full daily. SIGTERM or Ctrl-C stops it after the run in flight.',
    )
    .option('--poll-seconds <seconds>', 'override the pollSeconds setting', positiveNumber)
    .option(
      '--reconcile-hours <hours>',
      'how often a tenant is planned in full even without a change',
      positiveNumber,
      24,
    )
    .action((options: { pollSeconds?: number; reconcileHours: number }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const { runner } = context.apis();
        await registerConfiguredTenantsOrCarryOn(context, (line) => writeErr(`${printable(line)}\n`));
        const pollSeconds = pollSecondsOf(context, options.pollSeconds);
        const names = new Map((await context.store.listTenants()).map((t) => [t.id, t.displayName]));
        const push = pushServices(context, (tenantIds) => tenantIds.forEach((id) => daemon.nudge(id)));
        const daemon = new Daemon({
          store: context.store,
          runner: lanedDispatcher(runner),
          pollSeconds,
          ownPollSeconds: () => ownPollSeconds(context.store),
          modes: () => push.deliveryModes(),
          reconcileHours: options.reconcileHours,
          onResult: (result) => {
            if (result.status !== 'unchanged')
              writeOut(runLine(names.get(result.tenantId) ?? result.tenantId, result, context.targets));
          },
          onError: (tenantId, error) =>
            writeErr(
              `${printable(`${new Date().toISOString()} ${names.get(tenantId) ?? tenantId}: ${error.message}`)}\n`,
            ),
        });
        writeOut(
          `Watching ${names.size} tenant${names.size === 1 ? '' : 's'}: changes ${pollPace(pollSeconds, await ownPollSeconds(context.store), names)}, a full reconciliation every ${options.reconcileHours} h. SIGTERM or Ctrl-C stops.\n`,
        );
        // With a public address, Graph's notices come to this process: it listens for them alone (no web UI).
        const listener =
          push.publicUrl === null
            ? null
            : await buildNotificationApp(push.receiver, (message, fields) => context.logger.error(fields, message));
        if (listener !== null) {
          const address = await listener.listen({ host: context.config.web.host, port: context.config.web.port });
          // The tenants are mapped first, so that the first pass subscribes them.
          await runner.mapTenants().catch(() => {});
          push.keeper.start();
          writeOut(
            `Change notifications: Graph posts to ${push.publicUrl}/graph/notifications (listening on ${address}); pushed tenants are also read every 15 minutes.\n`,
          );
        }
        const stopAlerts = startAlertTimer(context.alerts);
        void untilStopped().then(() => daemon.stop());
        const running = daemon.start();
        writeOut(firstPassLine(names.size));
        await running;
        stopAlerts();
        await push.stop();
        await listener?.close();
        writeOut('Stopped.\n');
      }),
    );
}
