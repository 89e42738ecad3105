import type { Command } from 'commander';
import { parseSettingsOverride, type SettingsOverride } from '../../domain/settings.ts';
import { saveTenantSettings, tenantSettings } from '../../operations/operator-actions.ts';
import { mappingCandidates, mapTenant, unmapTenant } from '../../operations/tenant-mapping.ts';
import { actor, discoverConfiguredTenants, tenantNamed, withContext, type CliContext } from '../context.ts';
import { formatTable } from '../output.ts';
import { writeErr, writeOut } from '../terminal-text.ts';
import type { LiveSystems } from '../../operations/settings-check.ts';
import { settingsNotApplying } from '../../operations/settings-applying.ts';
import type { TenantRecord } from '../../domain/tenant-record.ts';
import type { StateStore } from '../../store/state-store.ts';
import { presentTargets, type TargetProfile, type Targets } from '../../domain/target-profile.ts';
import { apiTenant } from '../../web/api-shapes.ts';
import { ALL_TARGETS, targetNames } from '../known-targets.ts';
import { mapOptions } from '../output.ts';

const usedBy = (by: string | null): string => (by === null ? '' : `  (mapped to ${by})`);

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

/** Every tenant with its open conflicts counted. */
async function tenantRows(store: StateStore) {
  const conflicts = await store.listConflicts({ status: 'open' });
  return (await store.listTenants()).map((t) => ({
    ...t,
    openConflicts: conflicts.filter((c) => c.tenantId === t.id).length,
  }));
}

/** The tenants as a table (name, mapping, status, open conflicts, id), then why any is not mapped. */
function tenantTable(rows: readonly (TenantRecord & { readonly openConflicts: number })[], targets: Targets): string {
  if (rows.length === 0)
    return "No tenants yet: run contactsync tenants discover (it reads the config's tenants list, else the partner tenant's GDAP customers).\n";
  const { doc, psa } = targets;
  const table = formatTable(
    [
      'tenant',
      ...presentTargets(targets).map((t) => `${t.words.name} ${t.words.customer}`),
      'mapped',
      'status',
      'open conflicts',
      'tenant id',
    ],
    rows.map((t) => [
      t.displayName,
      ...(doc === null ? [] : [t.docCustomerId === null ? '-' : (t.docCustomerName ?? `id ${t.docCustomerId}`)]),
      ...(psa === null
        ? []
        : [
            t.psaCustomerId === null
              ? t.docCustomerId === null || doc === null
                ? '-'
                : `none (${doc.words.name} only)`
              : (t.psaCustomerName ?? `id ${t.psaCustomerId}`),
          ]),
      t.docCustomerId === null && t.psaCustomerId === null ? 'no' : t.mapping === 'auto' ? 'by name' : 'by hand',
      t.status,
      String(t.openConflicts),
      t.id,
    ]),
  );
  const notes = rows.filter((r) => r.mappingNote !== null).map((t) => `${t.displayName}: ${t.mappingNote}\n`);
  return `${table}\n${notes.join('')}`;
}

export function registerTenants(cli: Command, configOf: (command: Command) => string): void {
  const tenants = cli
    .command('tenants')
    .description("Customer tenants: list, discover (GDAP), map to the targets' customer records, per-tenant settings.");

  tenants
    .command('list')
    .description('Every tenant with its mapping, status and open conflicts.')
    .option('--json', 'as JSON')
    .action((options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store, targets }) => {
          const rows = await tenantRows(store);
          if (options.json === true) {
            writeOut(
              `${JSON.stringify(rows.map((row) => ({ ...apiTenant(row, targets), openConflicts: row.openConflicts })))}\n`,
            );
            return;
          }
          writeOut(tenantTable(rows, targets));
        },
        { requireSecrets: false },
      ),
    );

  tenants
    .command('discover')
    .description(
      'List the customers the config names (else those of the partner tenant, by GDAP), and map each by name when each target has exactly one customer record of that name.',
    )
    .action((_options: unknown, command: Command) =>
      withContext(configOf(command), async (context) => {
        writeOut(`${await discoverConfiguredTenants(context, actor())}\n`);
        // What was found, as `tenants list` shows it: each tenant with where it is mapped, or why not.
        writeOut(tenantTable(await tenantRows(context.store), context.targets));
      }),
    );

  const map = tenants
    .command('map <tenant>')
    .description(
      'Map a tenant to its customer record in each target (each target\'s option below), by name (or id). Without the options, lists the candidates, the closest names first. Refused when another tenant uses them (unless --force "reason") or when the names differ (unless --confirm).',
    );
  for (const target of ALL_TARGETS)
    map.option(
      `--${target.id} <${target.words.customer}>`,
      `the ${target.words.name} ${target.words.customer}: its name (or id)${target.role === 'psa' ? ', or "none" to sync the documentation platform only' : ''}`,
    );
  map
    .option('--force <reason>', 'map onto a customer record another tenant uses, for this reason')
    .option('--confirm', "the names differ from the tenant's, and they are the same customer")
    .action(
      (
        tenantName: string,
        options: Readonly<Record<string, string | undefined>> & { force?: string; confirm?: boolean },
        command: Command,
      ) =>
        withContext(configOf(command), async (context) => {
          const tenant = await tenantNamed(context.store, tenantName);
          const { doc, psa } = context.targets;
          const given = (target: TargetProfile | null) => (target === null ? undefined : options[target.id]);
          const absent = ALL_TARGETS.find(
            (target) => target !== doc && target !== psa && options[target.id] !== undefined,
          );
          if (absent !== undefined)
            throw new Error(`${context.configPath} has no ${absent.words.name}: drop --${absent.id}.`);
          if (given(doc ?? psa) === undefined) {
            writeOut(await candidateLines(context, tenant));
            return;
          }
          const docName = given(doc);
          const psaName = given(psa);
          if (doc !== null && psa !== null && psaName === undefined)
            throw new Error(
              `Give the ${psa.words.name} ${psa.words.customer} too: --${psa.id} "NAME", or --${psa.id} none to sync ${doc.words.name} only.`,
            );
          const message = await mapTenant(
            context.store,
            context.apis(),
            context.targets,
            tenant,
            { doc: docName ?? null, psa: psaName === undefined || psaName === 'none' ? null : psaName },
            { force: options.force ?? null, confirmNames: options.confirm === true },
            { force: 'add --force "the reason"', confirm: 'add --confirm' },
            actor(),
          );
          writeOut(`${message}\n`);
        }),
    );

  tenants
    .command('unmap <tenant>')
    .description("Forget a tenant's mapping; it is not synced until mapped again.")
    .action((tenantName: string, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store, targets }) => {
          const tenant = await tenantNamed(store, tenantName);
          writeOut(`${await unmapTenant(store, targets, tenant, actor())}\n`);
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
        async (context) => {
          const { store } = context;
          const tenant = await tenantNamed(store, tenantName);
          const own = structuredClone(((await store.latestSettings(tenant.id))?.json ?? {}) as Record<string, unknown>);
          const changes = [
            ...(options.set ?? []).map(assignment),
            ...(options.unset ?? []).map((key) => ({ path: key.split('.'), value: undefined })),
          ];
          for (const change of changes) setPath(own, change.path, change.value);
          let effective = (await tenantSettings(store, tenant.id)).effective;
          if (changes.length > 0) {
            // Named settings are checked against the targets and Microsoft 365 when the config can reach them.
            let live: LiveSystems | null = null;
            try {
              live = context.apis();
            } catch (error) {
              writeErr(`Not checked against ${targetNames(context.targets)}: ${(error as Error).message}\n`);
            }
            const saved = await saveTenantSettings(store, context.targets, tenant, own, actor(), live);
            effective = saved.effective;
            writeOut(
              `Saved the settings of ${tenant.displayName} (version ${saved.version}); the next sync plans with them.\n`,
            );
          }
          const override: SettingsOverride = parseSettingsOverride(own, `settings of ${tenant.displayName}`);
          // The keys the targets present do not read are not shown as if they applied: said apart, with why.
          const notUsed = settingsNotApplying(context.targets);
          if (options.json === true) {
            writeOut(
              `${JSON.stringify({ overrides: override, effective, notUsed: Object.fromEntries(notUsed) }, null, 2)}\n`,
            );
            return;
          }
          writeOut(`${JSON.stringify(withoutKeys(effective, [...notUsed.keys()]), null, 2)}\n`);
          // Keys not used for one reason are said together.
          const byWhy = new Map<string, string[]>();
          for (const [key, why] of notUsed) byWhy.set(why, [...(byWhy.get(why) ?? []), key]);
          if (byWhy.size > 0)
            writeErr(`Not used here: ${[...byWhy].map(([why, keys]) => `${keys.join(', ')} (${why})`).join('; ')}.\n`);
        },
        { requireSecrets: false },
      ),
    );
}

/** A copy of the settings without the dotted keys given (and without a group they leave empty). */
function withoutKeys(settings: object, keys: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(settings) as Record<string, unknown>;
  for (const key of keys) {
    const path = key.split('.');
    setPath(copy, path, undefined);
    const group = path.length > 1 ? copy[path[0]!] : undefined;
    if (typeof group === 'object' && group !== null && Object.keys(group).length === 0) delete copy[path[0]!];
  }
  return copy;
}

/** `NAME CUSTOMERs:` and the first ten candidates. */
const listed = (target: TargetProfile, candidates: readonly { name: string; usedBy: string | null }[]) => [
  `${target.words.name} ${target.customerPlural}:`,
  ...candidates.slice(0, 10).map((c) => `  ${c.name}${usedBy(c.usedBy)}`),
];

/** The customers a tenant may be mapped to in each target, the closest names first, and the command that maps it. */
async function candidateLines(context: CliContext, tenant: TenantRecord): Promise<string> {
  const { doc, psa } = context.targets;
  const { organizations, accounts } = await mappingCandidates(context.store, context.apis(), tenant);
  return (
    [
      `Candidates for ${tenant.displayName}, the closest names first:`,
      ...(doc === null ? [] : listed(doc, organizations)),
      ...(psa === null || accounts === null ? [] : listed(psa, accounts)),
      `Map with: contactsync tenants map "${tenant.displayName}" ${mapOptions(context.targets, () => 'NAME')}`,
    ].join('\n') + '\n'
  );
}
