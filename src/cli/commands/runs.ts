import { reportedUser } from '../../sync/report.ts';
import { MAX_AUDIT_LISTED, MAX_RUNS_LISTED } from '../../operations/list-limit.ts';
import { limitOf } from '../option-parsers.ts';
import { countsSummary, runCountsText } from '../../sync/run-counts.ts';
import type { RunRecord } from '../../domain/run-record.ts';
import type { StateStore } from '../../store/state-store.ts';
import type { Command } from 'commander';
import { tenantNamed, withContext } from '../context.ts';
import { auditLine } from '../../operations/audit-text.ts';
import { userNamed } from '../../operations/operator-actions.ts';
import { formatTable } from '../output.ts';
import { userLines } from '../user-lines.ts';
import { writeLines, writeOut } from '../terminal-text.ts';

/** A run by its id or the first characters of it, as long as they name one run. */
async function runNamed(store: StateStore, id: string): Promise<RunRecord> {
  const exact = await store.getRun(id);
  if (exact !== null) return exact;
  const found = id.length >= 4 ? await store.runsStartingWith(id, 6) : [];
  if (found.length === 1) return found[0]!;
  if (found.length === 0)
    throw new Error(`No run ${id}: see contactsync runs list (the first 8 characters of an id are enough).`);
  throw new Error(
    `${found.length > 5 ? 'More than 5' : found.length} runs start with ${id}: give more of the id (${found
      .slice(0, 5)
      .map((r) => r.id)
      .join(', ')}).`,
  );
}

export function registerRuns(cli: Command, configOf: (command: Command) => string): void {
  const runs = cli.command('runs');
  runs
    .command('list')
    .description('The latest runs, newest first.')
    .option('--tenant <id>', 'only this tenant')
    .option('--limit <n>', `how many, 1 to ${MAX_RUNS_LISTED}`, limitOf(MAX_RUNS_LISTED), 20)
    .option('--json', 'as JSON')
    .action((options: { tenant?: string; limit: number; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store, targets }) => {
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
                r.counts === null ? '' : countsSummary(r.counts, targets),
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
        async ({ store, targets }) => {
          const run = await runNamed(store, id);
          const users = await store.resultsOfRun(run.id);
          if (options.json === true) {
            writeOut(`${JSON.stringify({ run, users: users.map((u) => reportedUser(u, targets)) })}\n`);
            return;
          }
          const tenant = await store.getTenant(run.tenantId);
          writeLines([
            `Run of ${tenant?.displayName ?? run.tenantId}: ${run.status}, ${run.startedAt} → ${run.finishedAt ?? 'unfinished'}${run.error === null ? '' : `; ${run.error}`}`,
            ...(run.counts === null ? [] : [runCountsText(run.counts, run.status, targets)]),
            ...users
              .filter((u) => options.all === true || u.outcome !== 'unchanged')
              .flatMap((u) => userLines(u, targets)),
          ]);
        },
        { requireSecrets: false },
      ),
    );
  cli
    .command('audit')
    .description('The audit log, newest first: who did what, on which tenant and which person.')
    .option('--limit <n>', `how many, 1 to ${MAX_AUDIT_LISTED}`, limitOf(MAX_AUDIT_LISTED), 50)
    .option('--tenant <tenant>', 'only this tenant (id or name)')
    .option('--user <user>', 'only this person (sign-in name or object id)')
    .option('--who <actor>', 'only this actor (web:NAME, api:TOKEN, cli:USER)')
    .option('--action <action>', 'only this action (contact.unlink) or family (contact, tenant, conflict)')
    .option('--json', 'as JSON')
    .action(
      (
        options: { limit: number; tenant?: string; user?: string; who?: string; action?: string; json?: boolean },
        command: Command,
      ) =>
        withContext(
          configOf(command),
          async ({ store, targets }) => {
            const entries = await store.listAudit({
              limit: options.limit,
              ...(options.tenant === undefined ? {} : { tenantId: (await tenantNamed(store, options.tenant)).id }),
              ...(options.user === undefined ? {} : { userId: (await userNamed(store, options.user)).user.id }),
              ...(options.who === undefined ? {} : { actor: options.who }),
              ...(options.action === undefined ? {} : { action: options.action }),
            });
            if (options.json === true) {
              writeOut(`${JSON.stringify(entries)}\n`);
              return;
            }
            const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
            const lines = entries.map((e) => auditLine(e, names, targets));
            writeOut(
              `${formatTable(
                ['at', 'who', 'tenant', 'person', 'what'],
                lines.map((l) => [
                  l.at.replace('T', ' ').slice(0, 19),
                  l.who,
                  l.tenant?.name ?? '',
                  l.person?.name ?? '',
                  l.what,
                ]),
                5,
              )}\n`,
            );
          },
          { requireSecrets: false },
        ),
    );
}
