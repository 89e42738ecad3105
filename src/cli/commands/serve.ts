import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { listenProblem } from '../listen-problem.ts';
import { linkSettingsOf } from '../link-settings.ts';
import { portNumber } from '../option-parsers.ts';
import { startAlertTimer } from '../../alerts/alert-timer.ts';
import { Daemon } from '../../jobs/daemon.ts';
import { lanedDispatcher } from '../../jobs/run-lanes.ts';
import { TenantJobQueue } from '../../jobs/tenant-job-queue.ts';
import { buildWebApp } from '../../web/web-app.ts';
import { discoverConfiguredTenants, pollSecondsOf, registerConfiguredTenants, withContext } from '../context.ts';
import { untilStopped, webUiLines } from '../output.ts';
import { writeLines, writeOut } from '../terminal-text.ts';
import { pushServices, type PushServices } from '../push.ts';

export function registerServe(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('serve')
    .description(
      'Start the web UI and the REST API (OpenAPI at /api/openapi.json); with --daemon, keep the tenants in sync in the same process.',
    )
    .option('--host <host>', 'the address to listen on (default: web.host of the config, 127.0.0.1)')
    .option('--port <port>', 'the port (default: web.port of the config, 8080)', portNumber)
    .option('--daemon', 'also run the daemon: poll Microsoft 365 and sync changes')
    .action((options: { host?: string; port?: number; daemon?: boolean }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const { store, config } = context;
        // In scale-out the UI shows the workers' queue: its depth and the jobs that failed for good.
        const queue =
          context.pool === null
            ? null
            : await TenantJobQueue.open(context.pool, {
                onError: (error) => context.logger.error({ error: error.message }, 'job queue'),
              });
        let daemon: Daemon | null = null;
        const pollSeconds = pollSecondsOf(context);
        // Graph's notices: with the daemon here, it reads the tenants at once; in scale-out, their jobs are queued.
        const keepsTenants = options.daemon === true || queue !== null;
        const push: PushServices | null = keepsTenants
          ? pushServices(context, (tenantIds) => {
              for (const id of tenantIds) {
                if (daemon !== null) daemon.nudge(id);
                else
                  void queue
                    ?.enqueue(id, 'express')
                    .catch((error: unknown) =>
                      context.logger.error(
                        { tenantId: id, error: (error as Error).message },
                        'queueing a notified tenant',
                      ),
                    );
              }
            })
          : null;
        const app = await buildWebApp({
          services: {
            store,
            alerts: context.alerts,
            apis: () => context.apis(),
            queue,
            discover: (who) => discoverConfiguredTenants(context, who),
            links: linkSettingsOf(context.config),
            notices: push?.receiver ?? null,
            ...(push === null ? {} : { deliveryModes: () => push.deliveryModes() }),
            // The loop turns at least once per poll interval; a slow read of the tenant list is allowed a minute more.
            heartbeat:
              options.daemon === true
                ? { lastBeatAt: () => daemon?.lastBeatAt() ?? null, maxAgeMs: (2 * pollSeconds + 60) * 1000 }
                : null,
          },
          secureCookies: config.web.secureCookies,
          trustProxy: config.web.trustProxy,
          logger: context.logger,
          sessionHours: config.web.sessionHours,
        });
        const host = options.host ?? config.web.host;
        const port = options.port ?? config.web.port;
        try {
          await app.listen({ host, port });
        } catch (error) {
          await push?.stop();
          await app.close();
          await queue?.stop();
          throw listenProblem(error, host, port);
        }
        writeLines(webUiLines('contactsync web UI', host, (app.server.address() as AddressInfo).port));
        if ((await store.countUsers()) === 0)
          writeOut('No one can sign in yet: add a login with contactsync user add NAME --role admin.\n');
        if (options.daemon === true) {
          await registerConfiguredTenants(context);
          daemon = new Daemon({
            store,
            runner: lanedDispatcher(context.apis().runner),
            pollSeconds,
            reconcileHours: 24,
            ...(push === null ? {} : { modes: () => push.deliveryModes() }),
            onError: (tenantId, error) => context.logger.error({ tenantId, error: error.message }, 'daemon run failed'),
          });
          writeOut(`Watching Microsoft 365 for changes every ${pollSeconds} s.\n`);
          if (push?.publicUrl) {
            await context
              .apis()
              .runner.mapTenants()
              .catch(() => {});
            push.keeper.start();
            writeOut(
              `Change notifications: Graph posts to ${push.publicUrl}/graph/notifications; pushed tenants are also read every 15 minutes.\n`,
            );
          }
        }
        const stopAlerts = startAlertTimer(context.alerts);
        const stopped = untilStopped();
        void daemon?.start();
        await stopped;
        stopAlerts();
        await daemon?.stop();
        await push?.stop();
        await app.close();
        await queue?.stop();
        writeOut('Stopped.\n');
      }),
    );
}
