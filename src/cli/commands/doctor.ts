import type { Command } from 'commander';
import { isConnectorError } from '../../connectors/http/connector-error.ts';
import { GRAPH_BASE_URL } from '../../connectors/graph/graph-directory.ts';
import { withContext } from '../context.ts';
import { writeOut } from '../terminal-text.ts';
import { deliveryModeOf } from '../../jobs/delivery-mode.ts';
import type { StateStore } from '../../store/state-store.ts';
import { SubscriptionStore } from '../../store/subscription-store.ts';

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const MAX_SKEW_MS = 5 * 60_000;

/** How far this machine's clock is from a server's, from the Date header of a harmless request. */
async function clockSkew(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    const date = Date.parse(response.headers.get('date') ?? '');
    return Number.isNaN(date) ? null : Date.now() - date;
  } catch {
    return null;
  }
}

/**
 * Change notifications: without a public address every tenant polls; with one, the endpoint must answer Graph's
 * validation here too (a process must be serving it), and each subscription's state is summed up.
 */
async function notificationsCheck(publicUrl: string | null, store: StateStore): Promise<Check> {
  const name = 'change notifications';
  if (publicUrl === null)
    return {
      name,
      ok: true,
      detail:
        'off: every tenant is polled every pollSeconds. Set web.publicUrl to the https address Microsoft Graph can reach, for changes in seconds.',
    };
  const endpoint = `${publicUrl.replace(/\/+$/, '')}/graph/notifications`;
  const token = `contactsync doctor ${crypto.randomUUID()}`;
  try {
    const response = await fetch(`${endpoint}?validationToken=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '',
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200 || (await response.text()) !== token)
      return {
        name,
        ok: false,
        detail: `${endpoint} answered ${response.status} without echoing the validation token: forward it to contactsync serve (or daemon) unchanged.`,
      };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `${endpoint} did not answer (${(error as Error).message}): run contactsync serve (or daemon), and forward that address to it over HTTPS. The app needs no permission beyond User.Read.All.`,
    };
  }
  const tenants = (await store.listTenants()).filter((t) => t.itglueOrganizationId !== null);
  const records = new Map((await new SubscriptionStore(store.db).list()).map((r) => [r.tenantId, r]));
  const modes = tenants.map((t) => ({ tenant: t, mode: deliveryModeOf(records.get(t.id) ?? null, publicUrl) }));
  const polled = modes.filter((m) => m.mode.mode === 'poll');
  return {
    name,
    ok: true,
    detail: `${endpoint} answers Graph's validation; ${modes.length - polled.length} of ${modes.length} mapped tenants pushed${
      polled.length === 0
        ? ''
        : ` (polled: ${polled
            .slice(0, 5)
            .map((m) => `${m.tenant.displayName}: ${m.mode.why}`)
            .join('; ')}${polled.length > 5 ? '; …' : ''})`
    }.`,
  };
}

function explain(error: unknown): string {
  return isConnectorError(error) ? error.message : `${(error as Error).message}`;
}

export function registerDoctor(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('doctor')
    .description('Check each connection with a harmless call, and say what is wrong and how to fix it.')
    .action((_options: unknown, command: Command) =>
      withContext(configOf(command), async (context) => {
        const checks: Check[] = [];
        const check = async (name: string, run: () => Promise<string>) => {
          try {
            checks.push({ name, ok: true, detail: await run() });
          } catch (error) {
            checks.push({ name, ok: false, detail: explain(error) });
          }
        };
        checks.push({ name: 'database', ok: true, detail: `${context.databaseLocation} (migrated)` });
        const { directory, itglue, bms } = context.apis();
        const { microsoft } = context.config;
        const tenants = await context.store.listTenants();
        const probes = [
          ...(microsoft.partnerTenantId ? [{ id: microsoft.partnerTenantId, displayName: 'partner tenant' }] : []),
          ...tenants,
        ];
        if (probes.length === 0)
          checks.push({
            name: 'Microsoft 365',
            ok: false,
            detail: 'No tenant to sign in to: set microsoft.partnerTenantId, or list tenants in the config.',
          });
        for (const tenant of probes) {
          await check(
            `Microsoft 365: ${tenant.displayName}`,
            async () => `signed in; organization "${(await directory.readOrganization(tenant.id)).displayName}"`,
          );
        }
        if (microsoft.partnerTenantId)
          await check(
            'GDAP customers',
            async () => `${(await directory.listCustomerTenants(microsoft.partnerTenantId!)).length} customer tenants`,
          );
        await check(
          'IT Glue',
          async () => `API key accepted; ${(await itglue.listContactTypes()).length} contact types`,
        );
        if (bms !== null)
          await check('Kaseya BMS', async () => `signed in; ${(await bms.listEmailTypes()).length} email types`);
        checks.push(await notificationsCheck(context.config.web.publicUrl ?? null, context.store));
        const skew = await clockSkew(microsoft.graphUrl ?? GRAPH_BASE_URL);
        checks.push(
          skew === null
            ? { name: 'clock', ok: true, detail: 'could not be compared with Microsoft Graph' }
            : Math.abs(skew) > MAX_SKEW_MS
              ? {
                  name: 'clock',
                  ok: false,
                  detail: `this machine's clock is ${Math.round(skew / 1000)} s off Microsoft's: tokens will be refused. Synchronize the clock (NTP).`,
                }
              : {
                  name: 'clock',
                  ok: true,
                  detail: `within ${Math.max(1, Math.round(Math.abs(skew) / 1000))} s of Microsoft Graph`,
                },
        );
        for (const c of checks) writeOut(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
        const failed = checks.filter((c) => !c.ok).length;
        writeOut(failed === 0 ? 'Everything answers.\n' : `${failed} problem${failed === 1 ? '' : 's'} to fix.\n`);
        process.exitCode = failed === 0 ? 0 : 1;
      }),
    );
}
