import { MAX_AUDIT_LISTED, MAX_RUNS_LISTED } from '../../operations/list-limit.ts';
import { limitOf } from '../option-parsers.ts';
import { countsSummary } from '../../sync/report.ts';
import type { Command } from 'commander';
import { tenantNamed, withContext } from '../context.ts';
import { formatTable } from '../output.ts';
import { writeLines, writeOut } from '../terminal-text.ts';

export function registerRuns(cli: Command, configOf: (command: Command) => string): void {
  const runs = cli.command('runs').description('The history of sync runs.');
  runs
    .command('list')
    .description('The latest runs, newest first.')
    .option('--tenant <id>', 'only this tenant')
    .option('--limit <n>', `how many, 1 to ${MAX_RUNS_LISTED}`, limitOf(MAX_RUNS_LISTED), 20)
    .option('--json', 'as JSON')
    .action((options: { tenant?: string; limit: number; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const tenant = options.tenant === undefined ? undefined : (await tenantNamed(store, options.tenant)).id;
          const list = await store.listRuns(tenant, options.limit);
          if (options.json === true) {
            writeOut(`${JSON.stringify(list)}\n`);
            return;
          }
          const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
          writeOut(
            `${formatTable(
              ['run', 'tenant', 'started', 'status', 'counts'],
              list.map((r) => [
                r.id,
                names.get(r.tenantId) ?? r.tenantId,
                r.startedAt,
                r.status,
                r.counts === null ? '' : countsSummary(r.counts),
              ]),
            )}\n`,
          );
        },
        { requireSecrets: false },
      ),
    );
  runs
    .command('show <run>')
    .description('One run: its counts, and every user it did something for (with --all, every user).')
    .option('--all', 'every user, unchanged ones too')
    .option('--json', 'as JSON')
    .action((id: string, options: { all?: boolean; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const run = await store.getRun(id);
          if (run === null) throw new Error(`No run ${id}: see contactsync runs list.`);
          const users = await store.resultsOfRun(id);
          if (options.json === true) {
            writeOut(`${JSON.stringify({ run, users })}\n`);
            return;
          }
          writeLines([
            `Run ${run.id}: ${run.status}, ${run.startedAt} → ${run.finishedAt ?? 'unfinished'}${run.error === null ? '' : `; ${run.error}`}`,
            ...users
              .filter((u) => options.all === true || u.outcome !== 'unchanged')
              .map(
                (user) =>
                  `  ${user.outcome.padEnd(16)} ${user.userPrincipalName}  IT Glue ${user.itglue}, BMS ${user.bms}${user.reasons.length === 0 ? '' : ` — ${user.reasons.map((r) => r.message).join(' ')}`}`,
              ),
          ]);
        },
        { requireSecrets: false },
      ),
    );
  cli
    .command('audit')
    .description('The audit log of admin actions, newest first.')
    .option('--limit <n>', `how many, 1 to ${MAX_AUDIT_LISTED}`, limitOf(MAX_AUDIT_LISTED), 50)
    .option('--json', 'as JSON')
    .action((options: { limit: number; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const entries = await store.listAudit(options.limit);
          if (options.json === true) writeOut(`${JSON.stringify(entries)}\n`);
          else
            writeOut(
              `${formatTable(
                ['at', 'who', 'action', 'target', 'details'],
                entries.map((e) => [e.at, e.actor, e.action, e.target, JSON.stringify(e.details)]),
              )}\n`,
            );
        },
        { requireSecrets: false },
      ),
    );
}
