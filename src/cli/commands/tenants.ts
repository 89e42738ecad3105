import type { Command } from 'commander';
import { parseSettingsOverride, type SettingsOverride } from '../../domain/settings.ts';
import { mapTenant, saveTenantSettings, tenantSettings, unmapTenant } from '../../operations/operator-actions.ts';
import { actor, discoverConfiguredTenants, tenantNamed, withContext } from '../context.ts';
import { formatTable } from '../output.ts';
import { writeOut } from '../terminal-text.ts';

/** `a.b=value`: the value as JSON when it parses (true, 5, null, ["x"]), else as text. */
function assignment(text: string): { path: string[]; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`"${text}" is not key=value (for example phones.blankReplacement=000-000-0000).`);
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { path: text.slice(0, eq).split('.'), value };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

export function registerTenants(cli: Command, configOf: (command: Command) => string): void {
  const tenants = cli
    .command('tenants')
    .description('Customer tenants: list, discover (GDAP), map to IT Glue and BMS, per-tenant settings.');

  tenants
    .command('list')
    .description('Every tenant with its mapping, status and open conflicts.')
    .option('--json', 'as JSON')
    .action((options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const list = await store.listTenants();
          const conflicts = await store.listConflicts({ status: 'open' });
          const rows = list.map((t) => ({ ...t, openConflicts: conflicts.filter((c) => c.tenantId === t.id).length }));
          if (options.json === true) {
            writeOut(`${JSON.stringify(rows)}\n`);
            return;
          }
          if (rows.length === 0) {
            writeOut('No tenants yet: run contactsync tenants discover (GDAP) or list them in the config.\n');
            return;
          }
          writeOut(
            `${formatTable(
              ['tenant id', 'name', 'mapping', 'IT Glue org', 'BMS account', 'status', 'open conflicts'],
              rows.map((t) => [
                t.id,
                t.displayName,
                t.mapping,
                t.itglueOrganizationId ?? '-',
                t.bmsAccountId === null ? '-' : String(t.bmsAccountId),
                t.status,
                String(t.openConflicts),
              ]),
            )}\n`,
          );
        },
        { requireSecrets: false },
      ),
    );

  tenants
    .command('discover')
    .description(
      'List the customers the config names (else those of the partner tenant, by GDAP), and map each by name when exactly one IT Glue organization and one BMS account have it.',
    )
    .action((_options: unknown, command: Command) =>
      withContext(configOf(command), async (context) => {
        writeOut(`${await discoverConfiguredTenants(context, actor())}\n`);
      }),
    );

  tenants
    .command('map <tenant>')
    .description('Map a tenant to an IT Glue organization and a BMS account (ids as IT Glue and BMS show them).')
    .requiredOption('--itglue <organizationId>', 'the IT Glue organization id')
    .option('--bms <accountId>', 'the BMS account id, or "none" to sync IT Glue only')
    .action((tenantName: string, options: { itglue: string; bms?: string }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const tenant = await tenantNamed(context.store, tenantName);
        if (options.bms !== undefined && options.bms !== 'none' && !/^\d+$/.test(options.bms))
          throw new Error(`--bms is a BMS account id (a number) or "none", not "${options.bms}".`);
        const bmsAccountId = options.bms === undefined || options.bms === 'none' ? null : Number(options.bms);
        writeOut(
          `${await mapTenant(context.store, context.apis(), tenant, { itglueOrganizationId: options.itglue, bmsAccountId }, actor())}\n`,
        );
      }),
    );

  tenants
    .command('unmap <tenant>')
    .description("Forget a tenant's mapping; it is not synced until mapped again.")
    .action((tenantName: string, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const tenant = await tenantNamed(store, tenantName);
          writeOut(`${await unmapTenant(store, tenant, actor())}\n`);
        },
        { requireSecrets: false },
      ),
    );

  tenants
    .command('settings <tenant>')
    .description(
      "Show a tenant's effective settings, or change its overrides: --set key=value (e.g. phones.blankReplacement=000-000-0000), --unset key.",
    )
    .option('--set <assignment...>', 'key=value, the value as JSON when it parses')
    .option('--unset <key...>', 'remove an override: the global setting applies again')
    .option('--json', 'as JSON')
    .action((tenantName: string, options: { set?: string[]; unset?: string[]; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const tenant = await tenantNamed(store, tenantName);
          const own = structuredClone(((await store.latestSettings(tenant.id))?.json ?? {}) as Record<string, unknown>);
          const changes = [
            ...(options.set ?? []).map(assignment),
            ...(options.unset ?? []).map((key) => ({ path: key.split('.'), value: undefined })),
          ];
          for (const change of changes) setPath(own, change.path, change.value);
          let effective = (await tenantSettings(store, tenant.id)).effective;
          if (changes.length > 0) {
            const saved = await saveTenantSettings(store, tenant, own, actor());
            effective = saved.effective;
            writeOut(
              `Saved the settings of ${tenant.displayName} (version ${saved.version}); the next sync plans with them.\n`,
            );
          }
          const override: SettingsOverride = parseSettingsOverride(own, `settings of ${tenant.displayName}`);
          writeOut(
            `${JSON.stringify(options.json === true ? { overrides: override, effective } : effective, null, 2)}\n`,
          );
        },
        { requireSecrets: false },
      ),
    );
}
