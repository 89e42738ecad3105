import type { Command } from 'commander';
import { actor, tenantNamed, withContext } from '../context.ts';
import { formatTable } from '../output.ts';

export function registerConflicts(cli: Command, configOf: (command: Command) => string): void {
  const conflicts = cli.command('conflicts').description('The conflicts queue: users the sync will not guess about.');
  conflicts
    .command('list')
    .description('Open conflicts, each with its candidates.')
    .option('--tenant <id>', 'only this tenant')
    .option('--all', 'resolved ones too')
    .option('--json', 'as JSON')
    .action((options: { tenant?: string; all?: boolean; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const tenant = options.tenant === undefined ? null : await tenantNamed(store, options.tenant);
          const list = await store.listConflicts({ ...(tenant === null ? {} : { tenantId: tenant.id }), ...(options.all === true ? {} : { status: 'open' as const }) });
          if (options.json === true) {
            process.stdout.write(`${JSON.stringify(list)}\n`);
            return;
          }
          if (list.length === 0) {
            process.stdout.write('No open conflicts.\n');
            return;
          }
          const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
          process.stdout.write(
            `${formatTable(
              ['conflict', 'tenant', 'user', 'in', 'rule', 'candidates', 'status'],
              list.map((c) => [c.id, names.get(c.tenantId) ?? c.tenantId, c.userPrincipalName, c.side === 'itglue' ? 'IT Glue' : 'BMS', c.rule ?? '-', c.candidates.join(', '), c.resolution === null ? c.status : `${c.status}: ${c.resolution}`]),
            )}\nResolve with: contactsync conflicts resolve CONFLICT --link CONTACT | --create | --ignore\n`,
          );
        },
        { requireSecrets: false },
      ),
    );

  conflicts
    .command('resolve <conflict>')
    .description('Settle a conflict: link the user to one of the candidate contacts, create a new contact, or ignore the user. The next sync applies it.')
    .option('--link <contact>', 'the candidate contact to link')
    .option('--create', 'create a new contact instead')
    .option('--ignore', 'leave the user out')
    .action((id: string, options: { link?: string; create?: boolean; ignore?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const chosen = [options.link !== undefined, options.create === true, options.ignore === true].filter(Boolean).length;
          if (chosen !== 1) throw new Error('Choose one of --link CONTACT, --create or --ignore.');
          const conflict = (await store.listConflicts({ status: 'open' })).find((c) => c.id === id);
          if (conflict === undefined) throw new Error(`No open conflict ${id}: it was resolved already, or a later sync settled it. See contactsync conflicts list.`);
          if (options.link !== undefined && !conflict.candidates.includes(options.link)) {
            throw new Error(`Contact ${options.link} is not a candidate of this conflict; the candidates are ${conflict.candidates.join(', ')}.`);
          }
          if (options.link !== undefined) {
            const link = await store.getLink(conflict.tenantId, conflict.userId);
            if (conflict.side === 'itglue') {
              await store.saveLink(conflict.tenantId, link === null ? { userId: conflict.userId, docContactId: options.link, psaContactId: null, rule: null, syncDisabled: 'none', ownedEmails: [], ownedPhones: [], psaPushed: null } : { ...link, docContactId: options.link });
            } else {
              if (link === null) throw new Error('The user has no IT Glue contact yet: resolve its IT Glue conflict first.');
              await store.saveLink(conflict.tenantId, { ...link, psaContactId: Number(options.link) });
            }
          }
          const resolution = options.link !== undefined ? 'link' : options.create === true ? 'create' : 'ignore';
          await store.resolveConflict(id, resolution, options.link ?? null);
          await store.audit(actor(), 'conflict.resolve', id, { user: conflict.userPrincipalName, side: conflict.side, resolution, target: options.link ?? null });
          process.stdout.write(`Resolved: ${conflict.userPrincipalName} → ${resolution === 'link' ? `linked to ${options.link}` : resolution}. The next sync applies it.\n`);
        },
        { requireSecrets: false },
      ),
    );

  cli
    .command('approve <tenant>')
    .description('Approve the inactivations the deletion guard held back for a tenant; the next sync applies them.')
    .action((tenantName: string, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const tenant = await tenantNamed(store, tenantName);
          if (tenant.status !== 'needs approval') throw new Error(`${tenant.displayName} is not waiting for approval (status: ${tenant.status}).`);
          await store.setApproval(tenant.id, true);
          await store.audit(actor(), 'tenant.approve', tenant.id);
          process.stdout.write(`Approved: the next sync of ${tenant.displayName} inactivates the contacts it held back.\n`);
        },
        { requireSecrets: false },
      ),
    );
}
