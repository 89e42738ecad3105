import { resolve } from 'node:path';
import type { Command } from 'commander';
import { alertLinkCheck } from '../../alerts/alert-link-base.ts';
import { GRAPH_BASE_URL } from '../../connectors/graph/graph-directory.ts';
import { doctorCheck, type DoctorCheck } from '../../connectors/target-setup.ts';
import { setupOf } from '../../connectors/target-setups.ts';
import { presentTargets, type TargetProfile } from '../../domain/target-profile.ts';
import { tenantSettings } from '../../operations/operator-actions.ts';
import { withContext, type CliContext } from '../context.ts';
import { blockOf, perTargetHelp } from '../known-targets.ts';
import { responseRecorder } from '../response-capture.ts';
import { writeOut } from '../terminal-text.ts';
import { deliveryModeOf } from '../../jobs/delivery-mode.ts';
import type { StateStore } from '../../store/state-store.ts';
import { SubscriptionStore } from '../../store/subscription-store.ts';

type Check = DoctorCheck;

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

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
      state: 'ok',
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
        state: 'fail',
        detail: `${endpoint} answered ${response.status} without echoing the validation token: forward it to contactsync serve (or daemon) unchanged.`,
      };
  } catch (error) {
    return {
      name,
      state: 'fail',
      detail: `${endpoint} did not answer (${(error as Error).message}): run contactsync serve (or daemon), and forward that address to it over HTTPS. The app needs no permission beyond User.Read.All.`,
    };
  }
  const tenants = (await store.listTenants()).filter((t) => t.docCustomerId !== null);
  const records = new Map((await new SubscriptionStore(store.db).list()).map((r) => [r.tenantId, r]));
  const modes = tenants.map((t) => ({ tenant: t, mode: deliveryModeOf(records.get(t.id) ?? null, publicUrl) }));
  const polled = modes.filter((m) => m.mode.mode === 'poll');
  return {
    name,
    state: 'ok',
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

/** The settings in effect: each tenant's, or the global ones when there is no tenant yet. */
async function settingsInEffect(context: CliContext) {
  const tenants = await context.store.listTenants();
  return Promise.all(
    tenants.length === 0
      ? [tenantSettings(context.store, 'global').then((s) => s.global)]
      : tenants.map((t) => tenantSettings(context.store, t.id).then((s) => s.effective)),
  );
}

/** The tenants mapped to one of the target's customers, with that customer's id. */
function mappedTo(target: TargetProfile, context: CliContext, tenants: Awaited<ReturnType<StateStore['listTenants']>>) {
  return tenants.flatMap((t) => {
    const id = target === context.targets.doc ? t.docCustomerId : t.psaCustomerId;
    return id === null ? [] : [{ displayName: t.displayName, customerId: String(id) }];
  });
}

export function registerDoctor(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('doctor')
    .description(
      "Check each connection with a harmless call, say what is wrong and how to fix it, check each target's own setup (below), and list the types and locations the settings may name.",
    )
    .addHelpText(
      'after',
      perTargetHelp('What doctor checks of each target:', (t) => setupOf(t).doctorHelp),
    )
    .option(
      '--capture <dir>',
      'record the answers of the read-only calls in DIR, one JSON file per endpoint, with secrets, names, emails and phone numbers replaced by placeholders',
    )
    .action((options: { capture?: string }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const checks: Check[] = [];
        const check = async (name: string, run: () => Promise<string>) => checks.push(await doctorCheck(name, run));
        checks.push({ name: 'database', state: 'ok', detail: `${context.databaseLocation} (migrated)` });
        const recorder = options.capture === undefined ? null : responseRecorder(resolve(options.capture));
        const transport = context.transport(recorder === null ? {} : { record: recorder.record });
        const { directory } = context.microsoft(transport);
        const { microsoft } = context.config;
        const tenants = await context.store.listTenants();
        const probes = [
          ...(microsoft.partnerTenantId ? [{ id: microsoft.partnerTenantId, displayName: 'partner tenant' }] : []),
          ...tenants,
        ];
        if (probes.length === 0)
          checks.push({
            name: 'Microsoft 365',
            state: 'fail',
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
        for (const target of presentTargets(context.targets))
          checks.push(
            ...(await setupOf(target).doctor({
              block: blockOf(context.config, target),
              transport,
              mapped: mappedTo(target, context, tenants),
              capture: recorder !== null,
              settings: () => settingsInEffect(context),
            })),
          );
        checks.push(await notificationsCheck(context.config.web.publicUrl ?? null, context.store));
        checks.push(await alertLinkCheck(context.alerts));
        const skew = await clockSkew(microsoft.graphUrl ?? GRAPH_BASE_URL);
        checks.push(
          skew === null
            ? { name: 'clock', state: 'ok', detail: 'could not be compared with Microsoft Graph' }
            : Math.abs(skew) > MAX_SKEW_MS
              ? {
                  name: 'clock',
                  state: 'fail',
                  detail: `this machine's clock is ${Math.round(skew / 1000)} s off Microsoft's: tokens will be refused. Synchronize the clock (NTP).`,
                }
              : {
                  name: 'clock',
                  state: 'ok',
                  detail: `within ${Math.max(1, Math.round(Math.abs(skew) / 1000))} s of Microsoft Graph`,
                },
        );
        for (const c of checks) writeOut(`${MARK[c.state]} ${c.name}: ${c.detail}\n`);
        if (recorder !== null)
          writeOut(
            `Captured ${recorder.files().length} answers in ${resolve(options.capture!)} (secrets, names, emails and phone numbers replaced).\n`,
          );
        const failed = checks.filter((c) => c.state === 'fail').length;
        writeOut(failed === 0 ? 'Everything answers.\n' : `${failed} problem${failed === 1 ? '' : 's'} to fix.\n`);
        process.exitCode = failed === 0 ? 0 : 1;
      }),
    );
}
