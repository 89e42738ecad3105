import { resolve } from 'node:path';
import type { Command } from 'commander';
import { alertLinkCheck } from '../../alerts/alert-link-base.ts';
import { checkBmsSwagger } from '../../connectors/bms/swagger-check.ts';
import { BMS_REGIONS } from '../../connectors/bms/wire.ts';
import { itglueSubdomainOf } from '../../connectors/itglue/config.ts';
import { isConnectorError } from '../../connectors/http/connector-error.ts';
import { GRAPH_BASE_URL } from '../../connectors/graph/graph-directory.ts';
import type { NamedRecord, Psa } from '../../domain/ports.ts';
import type { PsaType } from '../../domain/psa-contact.ts';
import { foldName } from '../../normalize/name.ts';
import { tenantSettings } from '../../operations/operator-actions.ts';
import { withContext, type CliContext } from '../context.ts';
import { responseRecorder } from '../response-capture.ts';
import { writeOut } from '../terminal-text.ts';
import { deliveryModeOf } from '../../jobs/delivery-mode.ts';
import type { StateStore } from '../../store/state-store.ts';
import { SubscriptionStore } from '../../store/subscription-store.ts';

interface Check {
  readonly name: string;
  /** a warning is said, and does not fail the doctor */
  readonly state: 'ok' | 'warn' | 'fail';
  readonly detail: string;
}

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

function explain(error: unknown): string {
  return isConnectorError(error) ? error.message : `${(error as Error).message}`;
}

const listed = (items: readonly NamedRecord<string | number>[], withIds: boolean): string =>
  items.length === 0
    ? 'none'
    : items
        .map((item) => (withIds ? `${JSON.stringify(item.name)} (id ${item.id})` : JSON.stringify(item.name)))
        .join(', ');

/** The BMS types the settings give (names or ids), per kind, over every tenant (the global settings without one). */
async function typesGiven(context: CliContext): Promise<Record<'email' | 'phone', Set<string | number>>> {
  const tenants = await context.store.listTenants();
  const all = await Promise.all(
    tenants.length === 0
      ? [tenantSettings(context.store, 'global').then((s) => s.global)]
      : tenants.map((t) => tenantSettings(context.store, t.id).then((s) => s.effective)),
  );
  return {
    email: new Set(all.map((s) => s.psa.emailType)),
    phone: new Set(all.map((s) => s.psa.phoneType)),
  };
}

/**
 * The BMS type lists against the types the settings give: a name BMS does not list (or a list it does not serve) fails
 * every contact written to BMS, so it is a problem now, not at the first sync.
 */
async function bmsTypeChecks(context: CliContext, bms: Psa): Promise<Check[]> {
  const given = await typesGiven(context);
  const checks: Check[] = [];
  for (const kind of ['email', 'phone'] as const) {
    const name = `Kaseya BMS ${kind} types`;
    const setting = `psa.${kind}Type`;
    const named = [...given[kind]].filter((value) => typeof value === 'string');
    let types: readonly PsaType[];
    try {
      types = await (kind === 'email' ? bms.listEmailTypes() : bms.listPhoneTypes());
    } catch (error) {
      checks.push({
        name,
        state: named.length > 0 ? 'fail' : 'warn',
        detail:
          named.length > 0
            ? `the settings name ${named.map((n) => `"${n}"`).join(', ')} (${setting}). ${explain(error)}`
            : `could not be read; the settings give the type id, so none is needed.`,
      });
      continue;
    }
    const missing = [...given[kind]].filter((value) =>
      typeof value === 'number'
        ? !types.some((t) => t.id === value)
        : !types.some((t) => foldName(t.name) === foldName(value)),
    );
    checks.push(
      missing.length === 0
        ? { name, state: 'ok', detail: `${listed(types, true)} (setting ${setting})` }
        : {
            name,
            state: 'fail',
            detail: `the settings give ${missing.map((m) => (typeof m === 'number' ? `the id ${m}` : `"${m}"`)).join(', ')} (${setting}), which BMS does not have: every contact written to BMS would fail. BMS has ${listed(types, true)}: set ${setting} to one of them.`,
          },
    );
  }
  return checks;
}

/** BMS's published Swagger document against every path and body field the connector uses. */
async function swaggerCheck(baseUrl: string): Promise<Check> {
  const name = 'Kaseya BMS Swagger document';
  const report = await checkBmsSwagger(baseUrl);
  if (!report.readable)
    return {
      name,
      state: 'warn',
      detail: `could not be read, so the connector's guesses about BMS's API are unchecked. Tried: ${report.tried.join('; ')}.`,
    };
  if (report.missing.length === 0)
    return { name, state: 'ok', detail: `${report.url} has every path and body field contactsync uses` };
  return {
    name,
    state: 'fail',
    detail:
      `${report.url} lacks ${report.missing.length} point${report.missing.length === 1 ? '' : 's'} contactsync uses ` +
      `(each is set in src/connectors/bms/wire.ts):\n${report.missing.map((m) => `    - ${m.what} (${m.evidence === 'guess' ? 'a guess' : 'confirmed by public clients'})`).join('\n')}`,
  };
}

export function registerDoctor(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('doctor')
    .description(
      "Check each connection with a harmless call, say what is wrong and how to fix it, check the BMS connector against BMS's Swagger document, and list the types and locations the settings may name.",
    )
    .option(
      '--capture <dir>',
      'record the answers of the read-only calls in DIR, one JSON file per endpoint, with secrets, names, emails and phone numbers replaced by placeholders',
    )
    .action((options: { capture?: string }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const checks: Check[] = [];
        const check = async (name: string, run: () => Promise<string>): Promise<boolean> => {
          try {
            checks.push({ name, state: 'ok', detail: await run() });
            return true;
          } catch (error) {
            checks.push({ name, state: 'fail', detail: explain(error) });
            return false;
          }
        };
        checks.push({ name: 'database', state: 'ok', detail: `${context.databaseLocation} (migrated)` });
        const recorder = options.capture === undefined ? null : responseRecorder(resolve(options.capture));
        const { directory, doc: itglue, psa: bms } = context.apis(recorder === null ? {} : { record: recorder.record });
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
        await check(
          'IT Glue',
          async () =>
            `API key accepted; contact types: ${listed(await itglue.listContactTypes(), false)} (setting contactType)`,
        );
        // Advice rather than a fault: without the subdomain, pages simply do not link into IT Glue.
        const address = await itglue.webAddress().catch(() => null);
        const seen = address === null ? null : itglueSubdomainOf(address);
        const configured = context.config.itglue?.subdomain;
        checks.push({
          name: 'IT Glue links',
          state: configured !== undefined && (seen === null || seen === configured) ? 'ok' : 'warn',
          detail:
            configured !== undefined
              ? seen === null || seen === configured
                ? `into https://${configured}.itglue.com`
                : `itglue.subdomain is "${configured}", but IT Glue says the account is https://${seen}.itglue.com: set it to "${seen}"`
              : seen !== null
                ? `none yet: add "subdomain": "${seen}" under itglue in the config (IT Glue says the account is https://${seen}.itglue.com)`
                : 'none yet: add "subdomain" under itglue in the config (the MSP in https://MSP.itglue.com)',
        });
        const organizations = tenants.filter((t) => t.docCustomerId !== null);
        for (const tenant of organizations)
          await check(
            `IT Glue locations of ${tenant.displayName}`,
            async () =>
              `${listed(await itglue.listLocations(tenant.docCustomerId!), false)} (setting location.default)`,
          );
        if (recorder !== null && organizations[0] !== undefined)
          await check(
            'IT Glue contacts',
            async () => `${(await itglue.listContacts(organizations[0]!.docCustomerId!)).length} read`,
          );
        if (bms !== null) {
          const bmsOk = await check(
            'Kaseya BMS',
            async () => `signed in; ${(await bms.listAccounts()).length} accounts`,
          );
          if (bmsOk) checks.push(...(await bmsTypeChecks(context, bms)));
          const accounts = bmsOk ? tenants.filter((t) => t.psaCustomerId !== null) : [];
          for (const tenant of accounts)
            await check(
              `Kaseya BMS locations of ${tenant.displayName}`,
              async () => `${listed(await bms.listLocations(tenant.psaCustomerId!), false)}`,
            );
          if (recorder !== null && accounts[0] !== undefined)
            await check('Kaseya BMS contacts', async () => {
              const accountId = accounts[0]!.psaCustomerId!;
              const contacts = await bms.listContacts(accountId);
              const first = contacts[0];
              if (first !== undefined) {
                await bms.readContact(first.id);
                if (first.emailAddress !== null) await bms.findContactsByEmail(accountId, first.emailAddress);
              }
              return `${contacts.length} read`;
            });
          const bmsConfig = context.config.bms!;
          checks.push(await swaggerCheck(bmsConfig.baseUrl ?? BMS_REGIONS[bmsConfig.region]));
        }
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
