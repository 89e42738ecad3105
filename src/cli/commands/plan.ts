import { reportedUser } from '../../sync/report.ts';
import type { Command } from 'commander';
import type { TenantRunResult } from '../../run/run-result.ts';
import { registerConfiguredTenants, tenantNamed, withContext } from '../context.ts';
import { summaryTable, unmappedProblem } from '../output.ts';
import { writeLines, writeOut } from '../terminal-text.ts';
import { userLines } from '../user-lines.ts';

/** The outcomes a sync writes for (or would, once approved). */
const WRITING: ReadonlySet<string> = new Set(['synced', 'inactivated', 'pending-approval']);

export function registerPlan(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('plan')
    .description(
      'The dry run: what a sync would do, per tenant and per user, with field changes old → new for the documentation platform and the PSA, the matching rule, and why anything is held, disputed or excluded. Writes nothing.',
    )
    .option('--tenant <id>', 'only this tenant (id or name)')
    .option('--verbose', 'each field change of each user, old → new')
    .option('--all', 'everything: also the users with nothing to change, and each field change')
    .option('--json', 'as JSON')
    .action((options: { tenant?: string; all?: boolean; verbose?: boolean; json?: boolean }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const { runner } = context.apis();
        // As `sync` would: the tenants of the config (or GDAP) are the ones planned.
        await registerConfiguredTenants(context);
        await runner.mapTenants();
        const only = options.tenant === undefined ? null : await tenantNamed(context.store, options.tenant);
        if (only !== null && only.docCustomerId === null && only.psaCustomerId === null)
          throw unmappedProblem(only, context.targets);
        const results: TenantRunResult[] =
          only === null ? await runner.runAll({ dryRun: true }) : [await runner.runTenant(only.id, { dryRun: true })];
        const names = new Map((await context.store.listTenants()).map((t) => [t.id, t.displayName]));
        if (options.json === true) {
          writeOut(
            `${JSON.stringify({ tenants: results.map((r) => ({ id: r.tenantId, status: r.status, counts: r.counts, error: r.error, users: r.users.map((u) => reportedUser(u, context.targets)) })) })}\n`,
          );
          return;
        }
        // The summary first: what a person reads before deciding to look further (a first plan lists every field).
        const writes = results.some((r) => r.error !== null || r.users.some((u) => WRITING.has(u.outcome)));
        writeOut(`${writes ? '' : 'Nothing to change.\n\n'}${summaryTable(results, names, context.targets)}\n\n`);
        const fields = options.all === true || options.verbose === true;
        for (const result of results) {
          writeLines([
            `${names.get(result.tenantId) ?? result.tenantId} — ${result.status}${result.error === null ? '' : `: ${result.error}`}`,
            ...result.users
              .filter((u) => options.all === true || u.outcome !== 'unchanged')
              .flatMap((u) => userLines(u, context.targets, fields)),
          ]);
        }
        writeOut(
          `\nPlan only: nothing was written.${fields ? '' : ' Each field change old → new: --verbose; also the users with nothing to change: --all.'}\n`,
        );
      }),
    );
}
