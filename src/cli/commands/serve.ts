import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { listenProblem } from '../listen-problem.ts';
import { linkSettingsOf } from '../link-settings.ts';
import { portNumber, positiveNumber } from '../option-parsers.ts';
import { startAlertTimer } from '../../alerts/alert-timer.ts';
import { Daemon } from '../../jobs/daemon.ts';
import { lanedDispatcher } from '../../jobs/run-lanes.ts';
import { TenantJobQueue } from '../../jobs/tenant-job-queue.ts';
import { buildWebApp } from '../../web/web-app.ts';
import { webAddresses } from '../../web/web-addresses.ts';
import {
  discoverConfiguredTenants,
  ownPollSeconds,
  pollSecondsOf,
  registerConfiguredTenantsOrCarryOn,
  withContext,
} from '../context.ts';
import { firstPassLine, pollPace, runLine, untilStopped, webUiLines } from '../output.ts';
import { printable, writeErr, writeLines, writeOut } from '../terminal-text.ts';
import { pushServices, type PushServices } from '../push.ts';
import { RunsInFlight } from '../runs-in-flight.ts';
import type { ApiClients } from '../context.ts';

export function registerServe(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('serve')
    .description(
      'Start the web UI and the REST API (OpenAPI at /api/openapi.json); with --daemon, keep the tenants in sync in the same process.',
    )
    .option('--host <host>', 'the address to listen on (default: web.host of the config, 127.0.0.1)')
    .option('--port <port>', 'the port (default: web.port of the config, 8080)', portNumber)
    .option('--daemon', 'also run the daemon: poll Microsoft 365 and sync changes')
    .option(
      '--stop-wait <seconds>',
      'on SIGTERM or Ctrl-C, how long to wait for the runs in flight to end before stopping without them',
      positiveNumber,
      60,
    )
    .action((options: { host?: string; port?: number; daemon?: boolean; stopWait: number }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const { store, config } = context;
        // Every run this process starts (the daemon's, a request's) is counted, so that stopping waits for it.
        const inFlight = new RunsInFlight();
        let clients: ApiClients | null = null;
        const apis = (): ApiClients => {
          if (clients !== null) return clients;
          const made = context.apis();
          clients = { ...made, runner: inFlight.track(made.runner) };
          return clients;
        };
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
            targets: context.targets,
            alerts: context.alerts,
            apis,
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
          localLogins: config.web.localLogins,
          ...(config.web.entra === undefined || config.web.publicUrl === undefined
            ? {}
            : {
                entra: {
                  entra: config.web.entra,
                  publicUrl: config.web.publicUrl,
                  loginBaseUrl: config.microsoft.loginUrl ?? null,
                },
              }),
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
        const listening = (app.server.address() as AddressInfo).port;
        // Links in alerts and exports point here, not at the config's port, unless an address is set for them.
        context.listeningAt(webAddresses(host, listening).urls[0] ?? `http://${host}:${listening}`);
        writeLines(webUiLines('contactsync web UI', host, listening));
        if ((await store.countUsers()) === 0)
          writeOut('No one can sign in yet: add a login with contactsync user add NAME --role admin.\n');
        if (options.daemon === true) {
          await registerConfiguredTenantsOrCarryOn(context, (line) => writeErr(`${printable(line)}\n`));
          const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
          const nameOf = (tenantId: string) => names.get(tenantId) ?? tenantId;
          daemon = new Daemon({
            store,
            runner: lanedDispatcher(apis().runner),
            pollSeconds,
            ownPollSeconds: () => ownPollSeconds(store),
            reconcileHours: 24,
            ...(push === null ? {} : { modes: () => push.deliveryModes() }),
            // A line per run, as the daemon command says it: when it ran, the tenant, how it went.
            onResult: (result) => {
              if (result.status !== 'unchanged') writeOut(runLine(nameOf(result.tenantId), result, context.targets));
            },
            onError: (tenantId, error) => {
              context.logger.error({ tenantId, error: error.message }, 'daemon run failed');
              writeErr(`${printable(`${new Date().toISOString()} ${nameOf(tenantId)}: ${error.message}`)}\n`);
            },
          });
          writeOut(
            `Watching Microsoft 365 for changes ${pollPace(pollSeconds, await ownPollSeconds(store), names)}.\n`,
          );
          if (push?.publicUrl) {
            await apis()
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
        if (daemon !== null)
          writeOut(firstPassLine((await store.listTenants()).filter((t) => t.docCustomerId !== null).length));
        await stopped;
        stopAlerts();
        // No new request and no new daemon run; those in flight end before the database is closed under them.
        const daemonStopped = daemon?.stop();
        const appClosed = app.close();
        if (inFlight.count > 0) {
          const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
          const running = inFlight.tenants().map((id) => names.get(id) ?? id);
          writeOut(
            `Stopping: waiting up to ${options.stopWait} s for the runs in flight (${running.join(', ')}) to end; Ctrl-C again stops at once.\n`,
          );
        }
        if (!(await inFlight.ended(options.stopWait * 1000))) {
          // Closing the database under them would fail their last writes and the release of their tenants' locks;
          // ending the process frees the locks (PostgreSQL at once; SQLite: the holder is gone) and the next run of
          // each tenant finishes what they started.
          writeErr(
            `${inFlight.count} run${inFlight.count === 1 ? '' : 's'} did not end within ${options.stopWait} s; stopped without waiting longer: the next run of each tenant finishes what they started.\n`,
          );
          context.logger.flush();
          process.exit(1);
        }
        await daemonStopped;
        await push?.stop();
        await appClosed;
        await queue?.stop();
        writeOut('Stopped.\n');
      }),
    );
}
