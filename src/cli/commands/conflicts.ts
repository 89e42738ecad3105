import type { Command } from 'commander';
import { approveInactivations, resolveConflict, type ConflictChoice } from '../../operations/operator-actions.ts';
import { actor, tenantNamed, withContext } from '../context.ts';
import { formatTable } from '../output.ts';
import { writeOut } from '../terminal-text.ts';

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
          const list = await store.listConflicts({
            ...(tenant === null ? {} : { tenantId: tenant.id }),
            ...(options.all === true ? {} : { status: 'open' as const }),
          });
          if (options.json === true) {
            writeOut(`${JSON.stringify(list)}\n`);
            return;
          }
          if (list.length === 0) {
            writeOut('No open conflicts.\n');
            return;
          }
          const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
          writeOut(
            `${formatTable(
              ['conflict', 'tenant', 'user', 'in', 'rule', 'candidates', 'status'],
              list.map((c) => [
                c.id,
                names.get(c.tenantId) ?? c.tenantId,
                c.userPrincipalName,
                c.side === 'itglue' ? 'IT Glue' : 'BMS',
                c.rule ?? '-',
                c.candidates.join(', '),
                c.resolution === null ? c.status : `${c.status}: ${c.resolution}`,
              ]),
            )}\nResolve with: contactsync conflicts resolve CONFLICT --link CONTACT | --create | --ignore\n`,
          );
        },
        { requireSecrets: false },
      ),
    );

  conflicts
    .command('resolve <conflict>')
    .description(
      'Settle a conflict: link the user to one of the candidate contacts, create a new contact, or ignore the user. The next sync applies it.',
    )
    .option('--link <contact>', 'the candidate contact to link')
    .option('--create', 'create a new contact instead')
    .option('--ignore', 'leave the user out')
    .action((id: string, options: { link?: string; create?: boolean; ignore?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const chosen = [options.link !== undefined, options.create === true, options.ignore === true].filter(
            Boolean,
          ).length;
          if (chosen !== 1) throw new Error('Choose one of --link CONTACT, --create or --ignore.');
          const choice: ConflictChoice =
            options.link !== undefined
              ? { kind: 'link', contactId: options.link }
              : options.create === true
                ? { kind: 'create' }
                : { kind: 'ignore' };
          writeOut(`${(await resolveConflict(store, id, choice, actor())).message}\n`);
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
          writeOut(`${await approveInactivations(store, tenant, actor())}\n`);
        },
        { requireSecrets: false },
      ),
    );
}
