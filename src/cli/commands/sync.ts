import { reportedUser } from '../../sync/report.ts';
import type { Command } from 'commander';
import type { TenantRunResult } from '../../run/run-result.ts';
import { nonNegativeInteger } from '../option-parsers.ts';
import { actor, registerConfiguredTenants, tenantNamed, withContext } from '../context.ts';
import { approvalSteps } from '../approval-steps.ts';
import { counted } from '../../operations/attention.ts';
import { exitCodeOf, progressBars, summaryTable, unmappedProblem } from '../output.ts';
import { writeErr, writeLines, writeOut } from '../terminal-text.ts';

/** What leaves a person waiting for a person's decision or fix after a run: the users' outcomes `attention` lists. */
const WAITING = ['held', 'disputed', 'failed'] as const;

/**
 * `3 people need attention (2 held, 1 disputed): contactsync attention lists them, with what to do.`: said after a
 * sync that leaves anyone held, disputed or failed; null when it leaves no one.
 */
function attentionPointer(results: readonly TenantRunResult[]): string | null {
  const figures = WAITING.map((key) => [key, results.reduce((n, r) => n + (r.counts[key] ?? 0), 0)] as const).filter(
    ([, n]) => n > 0,
  );
  const people = figures.reduce((n, [, count]) => n + count, 0);
  if (people === 0) return null;
  return `${counted(people, 'person needs', 'people need')} attention (${figures.map(([key, n]) => `${n} ${key}`).join(', ')}): contactsync attention lists them, with what to do.`;
}

export function registerSync(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('sync')
    .description(
      'Sync the customer tenants: read Microsoft 365, write the documentation platform and the PSA. Exit codes: 0 done, 2 a tenant waits for approval, 3 per-user failures, 4 a tenant was being synced by another process (nothing written to it), 1 an error.',
    )
    .option('--tenant <id>', 'only this tenant (id or name)')
    .option(
      '--wait <seconds>',
      'wait up to this long for a sync of the same tenant by another process to end (0: refuse at once)',
      nonNegativeInteger,
      0,
    )
    .option('--dry-run', 'plan and report, write nothing (see also: contactsync plan)')
    .option('--json', 'print the results as JSON')
    .action((options: { tenant?: string; wait: number; dryRun?: boolean; json?: boolean }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const { store } = context;
        const { runner } = context.apis();
        await registerConfiguredTenants(context);
        await runner.mapTenants();
        const only = options.tenant === undefined ? null : await tenantNamed(store, options.tenant);
        if (only !== null && only.docCustomerId === null && only.psaCustomerId === null)
          throw unmappedProblem(only, context.targets);
        const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
        const bars = progressBars(process.stderr.isTTY === true && options.json !== true, names);
        const runOptions = {
          dryRun: options.dryRun === true,
          by: actor(),
          waitSeconds: options.wait,
          ...(bars.onPhase === undefined ? {} : { onPhase: bars.onPhase, onProgress: bars.onProgress }),
        };
        let results: TenantRunResult[];
        try {
          results = only === null ? await runner.runAll(runOptions) : [await runner.runTenant(only.id, runOptions)];
        } finally {
          bars.stop();
        }
        if (options.json === true)
          writeOut(
            `${JSON.stringify({ tenants: results.map((r) => ({ id: r.tenantId, status: r.status, counts: r.counts, error: r.error, users: r.users.map((u) => reportedUser(u, context.targets)) })) })}\n`,
          );
        else {
          writeOut(`${summaryTable(results, names, context.targets)}\n`);
          writeLines(
            results
              .filter((r) => r.error !== null && r.status !== 'busy')
              .map((r) => `${names.get(r.tenantId) ?? r.tenantId}: ${r.error}`),
          );
          // A system stopped by the contract guard: what did not land, once per tenant rather than once per user.
          writeLines(
            results.flatMap((r) =>
              [
                ...new Set(
                  r.users.flatMap((u) => u.reasons.filter((x) => x.code === 'contract-mismatch').map((x) => x.message)),
                ),
              ].map((message) => `${names.get(r.tenantId) ?? r.tenantId}: ${message}`),
            ),
          );
          // A halt by the deletion guard: who to look at and how to approve, not just "needs approval".
          if (options.dryRun !== true)
            writeLines(
              results
                .filter((r) => r.status === 'needs approval')
                .map(
                  (r) =>
                    `${names.get(r.tenantId) ?? r.tenantId}: the deletion guard held back ${counted(r.users.filter((u) => u.outcome === 'pending-approval').length, 'inactivation')}: ${approvalSteps(names.get(r.tenantId) ?? r.tenantId, r.runId)}`,
                ),
            );
          // Who waits for a person, and the command that lists them (a dry run leaves nothing for it to list).
          const pointer = options.dryRun === true ? null : attentionPointer(results);
          if (pointer !== null) writeLines([pointer]);
          // The busy message says which tenant and who holds it.
          for (const result of results.filter((r) => r.status === 'busy')) writeErr(`${result.error}\n`);
          if (options.dryRun === true) writeOut('Dry run: nothing was written.\n');
        }
        process.exitCode = exitCodeOf(results);
      }),
    );
}
