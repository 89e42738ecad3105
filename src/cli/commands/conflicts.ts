import type { Command } from 'commander';
import { approveInactivations, resolveConflict, type ConflictChoice } from '../../operations/operator-actions.ts';
import { counted, shortId } from '../../operations/attention.ts';
import { heldInactivations, personOf } from '../../operations/held-inactivations.ts';
import { conflictEvidence, type ConflictEvidence } from '../../operations/conflict-evidence.ts';
import { conflictNamed } from '../../operations/conflict-named.ts';
import type { UserResult } from '../../domain/user-result.ts';
import { waitingCode } from '../../sync/result-columns.ts';
import { actor, tenantNamed, withContext, type CliContext } from '../context.ts';
import { goAhead } from '../go-ahead.ts';
import { linkSettingsOf } from '../link-settings.ts';
import { formatTable } from '../output.ts';
import { writeLines, writeOut } from '../terminal-text.ts';
import type { TargetProfile, Targets } from '../../domain/target-profile.ts';
import { DEFAULT_TARGETS, nameOfTarget } from '../known-targets.ts';

/** The targets to read the candidates from, when this config has their credentials. */
function readersOf(context: CliContext) {
  try {
    const { doc, psa } = context.apis();
    return { doc, psa };
  } catch {
    return null;
  }
}

const MARK = { same: '=', differs: '≠', missing: ' ' } as const;

/** When a candidate was made and last changed, when its system says so (PSA contacts carry no dates). */
const datesOf = (c: { readonly createdAt: string | null; readonly updatedAt: string | null }): string =>
  c.createdAt === null && c.updatedAt === null
    ? ''
    : `: made ${c.createdAt?.slice(0, 10) ?? '–'}, changed ${c.updatedAt?.slice(0, 10) ?? '–'}`;

/** A conflict's evidence as lines: the user, then each candidate with its fields marked (= same, ≠ differs). */
function evidenceLines(e: ConflictEvidence, targets: Targets): string[] {
  const system = nameOfTarget(e.side);
  const psaName = (targets.psa ?? DEFAULT_TARGETS.psa)?.words.name;
  const lines = [
    `${e.shortId}  ${e.tenantName} · ${e.user.userPrincipalName} · ${system}`,
    `  ${e.why}`,
    `  Microsoft 365: ${[e.user.name, e.user.emails.join(', '), e.user.phones.join(', '), e.user.title, e.user.location].filter(Boolean).join(' · ')}`,
  ];
  for (const c of e.candidates) {
    lines.push(
      `  ${system} contact ${c.id}${c.active === null ? '' : c.active ? ' (active)' : ' (inactive)'}${c.linkedTo === null ? '' : `, linked to ${c.linkedTo}`}${datesOf(c)}${c.psa === null ? '' : `, ${psaName} ${c.psa.id} (${c.psa.by})`}${c.link === null ? '' : `  ${c.link}`}`,
    );
    if (c.unreadable !== null) lines.push(`      ${c.unreadable}`);
    for (const f of c.fields) lines.push(`      ${MARK[f.verdict]} ${f.field.padEnd(8)} ${f.candidate ?? '–'}`);
  }
  return lines;
}

export function registerConflicts(cli: Command, configOf: (command: Command) => string): void {
  const conflicts = cli.command('conflicts').description('The conflicts queue: users the sync will not guess about.');
  conflicts
    .command('list')
    .description(
      'Open conflicts with their evidence: the Microsoft 365 user and each candidate (emails, phones, title, location, dates, links), every field marked the same or different, and the rule that made it a candidate.',
    )
    .option('--tenant <id>', 'only this tenant (id or name)')
    .option('--all', 'resolved ones too (without evidence)')
    .option('--json', 'as JSON')
    .action((options: { tenant?: string; all?: boolean; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async (context) => {
          const { store } = context;
          const tenant = options.tenant === undefined ? null : await tenantNamed(store, options.tenant);
          const scope = tenant === null ? {} : { tenantId: tenant.id };
          if (options.all === true) {
            const list = await store.listConflicts(scope);
            if (options.json === true) return writeOut(`${JSON.stringify(list)}\n`);
            const names = new Map((await store.listTenants()).map((t) => [t.id, t.displayName]));
            return writeOut(
              `${formatTable(
                ['conflict', 'tenant', 'user', 'in', 'rule', 'candidates', 'status'],
                list.map((c) => [
                  shortId(c.id),
                  names.get(c.tenantId) ?? c.tenantId,
                  c.userPrincipalName,
                  nameOfTarget(c.side),
                  c.rule ?? '-',
                  c.candidates.join(', '),
                  c.resolution === null ? c.status : `${c.status}: ${c.resolution}`,
                ]),
              )}\n`,
            );
          }
          const evidence = await conflictEvidence(
            store,
            readersOf(context),
            await store.listConflicts({ status: 'open', ...scope }),
            context.targets,
            linkSettingsOf(context.config),
          );
          if (options.json === true) return writeOut(`${JSON.stringify(evidence)}\n`);
          if (evidence.length === 0) return writeOut('No open conflicts.\n');
          writeLines(evidence.flatMap((e) => evidenceLines(e, context.targets)));
          writeOut(
            "Resolve with: contactsync conflicts resolve CONFLICT (its id, or the user's sign-in name) --link CONTACT | --create | --ignore\n",
          );
        },
        { requireSecrets: false },
      ),
    );

  conflicts
    .command('show <conflict>')
    .description("One open conflict's evidence (by its id, the first characters of it, or the user's sign-in name).")
    .option('--json', 'as JSON')
    .action((key: string, options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async (context) => {
          const conflict = await conflictNamed(context.store, context.targets, key);
          const [evidence] = await conflictEvidence(
            context.store,
            readersOf(context),
            [conflict],
            context.targets,
            linkSettingsOf(context.config),
          );
          if (options.json === true) return writeOut(`${JSON.stringify(evidence)}\n`);
          writeLines(evidenceLines(evidence!, context.targets));
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
        async ({ store, targets }) => {
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
          const conflict = await conflictNamed(store, targets, id);
          writeOut(`${(await resolveConflict(store, targets, conflict.id, choice, actor())).message}\n`);
        },
        { requireSecrets: false },
      ),
    );

  cli
    .command('approve <tenant>')
    .description(
      'Approve the inactivations the deletion guard held back for a tenant; the next sync applies them. It lists the people first and approves only with --yes (or a typed yes at a terminal); without it, nothing is done and it exits 1.',
    )
    .option('--yes', 'approve without asking')
    .action((tenantName: string, options: { yes?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store, targets }) => {
          const tenant = await tenantNamed(store, tenantName);
          if (tenant.status !== 'needs approval')
            return writeOut(`${await approveInactivations(store, tenant, actor())}\n`);
          // Whoever approves sees whom: each person the approval inactivates, by name and address.
          const { people } = await heldInactivations(store, tenant.id);
          const these = counted(people.length, 'inactivation');
          writeLines([
            `${tenant.displayName}: the deletion guard held back ${these}; ${approvalEffect(people, targets)} at the next sync:`,
            ...people.map((p) => `  ${personOf(p)}`),
          ]);
          if (!(await goAhead(options.yes, `approve ${people.length === 1 ? 'this inactivation' : `these ${these}`}`)))
            return;
          writeOut(`${await approveInactivations(store, tenant, actor())}\n`);
        },
        { requireSecrets: false },
      ),
    );
}

/**
 * What approving does, from what each held row waits for: PSA contacts made inactive, documentation contacts given
 * the leaver type (only when the settings name one). Rows recorded before these reasons existed say it in general.
 */
function approvalEffect(people: readonly UserResult[], { doc, psa }: Targets): string {
  const waits = (target: TargetProfile | null): target is TargetProfile =>
    target !== null && people.some((p) => p.reasons.some((r) => r.code === waitingCode(target)));
  const effects = [
    ...(waits(psa) ? [`inactivates their ${psa.words.name} contacts`] : []),
    ...(waits(doc) ? [`gives their ${doc.words.name} contacts the leaver type`] : []),
  ];
  return effects.length === 0 ? 'approving inactivates their contacts' : `approving ${effects.join(' and ')}`;
}
