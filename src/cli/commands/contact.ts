import type { Command } from 'commander';
import type { SyncDisabled } from '../../domain/link.ts';
import type { StateStore } from '../../store/state-store.ts';
import { actor, withContext } from '../context.ts';

async function userNamed(store: StateStore, name: string) {
  const found = await store.findUser(name);
  if (found === null) throw new Error(`No user ${name} in any tenant (give the Entra object id or the sign-in name; a user appears after the first sync of its tenant).`);
  return found;
}

/** Inferred deep links into each system's web app. */
function links(tenantId: string, userId: string, itglueOrg: string | null, docId: string | null, psaId: number | null): string[] {
  return [
    `Microsoft Entra: https://entra.microsoft.com/${tenantId}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${userId}`,
    ...(docId === null || itglueOrg === null ? [] : [`IT Glue: https://app.itglue.com/${itglueOrg}/contacts/${docId}`]),
    ...(psaId === null ? [] : [`BMS: https://bms.kaseya.com/react/crm/contacts/${psaId}`]),
  ];
}

export function registerContact(cli: Command, configOf: (command: Command) => string): void {
  const contact = cli.command('contact').description('One person: Manage (show), Sync now, Disable or Enable sync.');

  contact
    .command('show <user>')
    .description('The "Manage" view: the ids in all three systems with links, the link and how it was made, the last sync and the history.')
    .option('--json', 'as JSON')
    .action((name: string, options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const { tenantId, user } = await userNamed(store, name);
          const tenant = await store.getTenant(tenantId);
          const link = await store.getLink(tenantId, user.id);
          const history = await store.userHistory(tenantId, user.id);
          if (options.json === true) {
            process.stdout.write(`${JSON.stringify({ tenant, user, link, history })}\n`);
            return;
          }
          const lines = [
            `${user.displayName ?? user.userPrincipalName} <${user.userPrincipalName}> — ${tenant?.displayName ?? tenantId}`,
            `Microsoft 365 user: ${user.id}${user.accountEnabled === false ? ' (disabled)' : ''}`,
            `IT Glue contact: ${link?.docContactId ?? 'none'}`,
            `BMS contact: ${link?.psaContactId ?? 'none'}`,
            `Linked by: ${link === null ? 'not linked' : (link.rule ?? 'created by contactsync')}; sync: ${link === null || link.syncDisabled === 'none' ? 'enabled' : link.syncDisabled === 'psa' ? 'disabled with BMS' : 'disabled'}`,
            ...links(tenantId, user.id, tenant?.itglueOrganizationId ?? null, link?.docContactId ?? null, link?.psaContactId ?? null),
            history.length === 0 ? 'Not synced yet.' : `Last sync: ${history[0]!.at} — ${history[0]!.outcome} (IT Glue ${history[0]!.itglue}, BMS ${history[0]!.bms})`,
            ...(history.length === 0 ? [] : ['History:']),
            ...history.map((h) => `  ${h.at}  ${h.outcome.padEnd(14)} IT Glue ${h.itglue}, BMS ${h.bms}${h.reasons.length === 0 ? '' : ` — ${h.reasons.map((r) => r.message).join(' ')}`}`),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        },
        { requireSecrets: false },
      ),
    );

  contact
    .command('sync-now <user>')
    .description('Run the pipeline for this one user now and show each step: read, scope, match, plan, apply.')
    .action((name: string, _options: unknown, command: Command) =>
      withContext(configOf(command), async (context) => {
        const { tenantId, user } = await userNamed(context.store, name);
        const result = await context.apis().runner.runUser(tenantId, user.id, (step, detail) => process.stdout.write(`${step.padEnd(6)} ${detail}\n`));
        await context.store.audit(actor(), 'contact.sync-now', user.id, { outcome: result.outcome });
        process.exitCode = result.outcome === 'failed' ? 3 : 0;
      }),
    );

  const toggle = (disabled: SyncDisabled) => (name: string, options: { leg?: string }, command: Command) =>
    withContext(
      configOf(command),
      async ({ store }) => {
        const { tenantId, user } = await userNamed(store, name);
        const leg = options.leg ?? 'psa';
        if (leg !== 'psa' && leg !== 'all') throw new Error('--leg is psa (BMS only) or all (BMS and the Microsoft → IT Glue leg).');
        const value: SyncDisabled = disabled === 'none' ? 'none' : (leg as SyncDisabled);
        if (!(await store.setSyncDisabled(tenantId, user.id, value))) throw new Error(`${user.userPrincipalName} is not linked to a contact yet: sync the tenant first.`);
        await store.markDirty(tenantId);
        await store.audit(actor(), value === 'none' ? 'contact.enable' : 'contact.disable', user.id, { leg: value });
        process.stdout.write(
          value === 'none' ? `Sync enabled for ${user.userPrincipalName}.\n` : `Sync disabled for ${user.userPrincipalName} (${value === 'psa' ? 'BMS is left alone' : 'IT Glue and BMS are left alone'}).\n`,
        );
      },
      { requireSecrets: false },
    );
  contact.command('disable <user>').description('"Disable sync": leave the contact alone in BMS (--leg all: in IT Glue too).').option('--leg <leg>', 'psa or all', 'psa').action(toggle('psa'));
  contact.command('enable <user>').description('Sync the contact again.').action(toggle('none'));
}
