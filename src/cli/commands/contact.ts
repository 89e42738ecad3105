import type { Command } from 'commander';
import type { SyncDisabled } from '../../domain/link.ts';
import { deepLinks } from '../../operations/deep-links.ts';
import { setContactSync, syncNow, userNamed } from '../../operations/operator-actions.ts';
import { actor, withContext } from '../context.ts';
import { writeLines, writeOut } from '../terminal-text.ts';
import { nonNegativeInteger } from '../option-parsers.ts';

function links(
  tenantId: string,
  userId: string,
  itglueOrg: string | null,
  docId: string | null,
  psaId: number | null,
): string[] {
  const found = deepLinks(tenantId, userId, itglueOrg, docId, psaId);
  return [
    `Microsoft Entra: ${found.microsoft}`,
    ...(found.itglue === null ? [] : [`IT Glue: ${found.itglue}`]),
    ...(found.bms === null ? [] : [`BMS: ${found.bms}`]),
  ];
}

export function registerContact(cli: Command, configOf: (command: Command) => string): void {
  const contact = cli.command('contact').description('One person: Manage (show), Sync now, Disable or Enable sync.');

  contact
    .command('show <user>')
    .description(
      'The "Manage" view: the ids in all three systems with links, the link and how it was made, the last sync and the history.',
    )
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
            writeOut(`${JSON.stringify({ tenant, user, link, history })}\n`);
            return;
          }
          const lines = [
            `${user.displayName ?? user.userPrincipalName} <${user.userPrincipalName}> — ${tenant?.displayName ?? tenantId}`,
            `Microsoft 365 user: ${user.id}${user.accountEnabled === false ? ' (disabled)' : ''}`,
            `IT Glue contact: ${link?.docContactId ?? 'none'}`,
            `BMS contact: ${link?.psaContactId ?? 'none'}`,
            `Linked by: ${link === null ? 'not linked' : (link.rule ?? 'created by contactsync')}; sync: ${link === null || link.syncDisabled === 'none' ? 'enabled' : link.syncDisabled === 'psa' ? 'disabled with BMS' : 'disabled'}`,
            ...links(
              tenantId,
              user.id,
              tenant?.itglueOrganizationId ?? null,
              link?.docContactId ?? null,
              link?.psaContactId ?? null,
            ),
            history.length === 0
              ? 'Not synced yet.'
              : `Last sync: ${history[0]!.at} — ${history[0]!.outcome} (IT Glue ${history[0]!.itglue}, BMS ${history[0]!.bms})`,
            ...(history.length === 0 ? [] : ['History:']),
            ...history.map(
              (h) =>
                `  ${h.at}  ${h.outcome.padEnd(14)} IT Glue ${h.itglue}, BMS ${h.bms}${h.reasons.length === 0 ? '' : ` — ${h.reasons.map((r) => r.message).join(' ')}`}`,
            ),
          ];
          writeLines(lines);
        },
        { requireSecrets: false },
      ),
    );

  contact
    .command('sync-now <user>')
    .description('Run the pipeline for this one user now and show each step: read, scope, match, plan, apply.')
    .option(
      '--wait <seconds>',
      "wait up to this long for a sync of the user's tenant by another process to end (default: refuse at once)",
      nonNegativeInteger,
      0,
    )
    .action((name: string, options: { wait: number }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const { tenantId, user } = await userNamed(context.store, name);
        const result = await syncNow(
          context.store,
          context.apis().runner,
          tenantId,
          user.id,
          actor(),
          (step, detail) => writeLines([`${step.padEnd(6)} ${detail}`]),
          { waitSeconds: options.wait },
        );
        process.exitCode = result.outcome === 'failed' ? 3 : 0;
      }),
    );

  const toggle = (disabled: SyncDisabled) => (name: string, options: { leg?: string }, command: Command) =>
    withContext(
      configOf(command),
      async ({ store }) => {
        const { tenantId, user } = await userNamed(store, name);
        const leg = options.leg ?? 'psa';
        if (leg !== 'psa' && leg !== 'all')
          throw new Error('--leg is psa (BMS only) or all (BMS and the Microsoft → IT Glue leg).');
        const value: SyncDisabled = disabled === 'none' ? 'none' : (leg as SyncDisabled);
        writeOut(`${await setContactSync(store, tenantId, user.id, value, actor())}\n`);
      },
      { requireSecrets: false },
    );
  contact
    .command('disable <user>')
    .description('"Disable sync": leave the contact alone in BMS (--leg all: in IT Glue too).')
    .option('--leg <leg>', 'psa or all', 'psa')
    .action(toggle('psa'));
  contact.command('enable <user>').description('Sync the contact again.').action(toggle('none'));
}
