import { apiHistory, apiLinks, apiTenant } from '../../web/api-shapes.ts';
import type { Command } from 'commander';
import { shownPersonName } from '../../normalize/name.ts';
import { linkedByText, type SyncDisabled } from '../../domain/link.ts';
import { deepLinks, type LinkSettings } from '../../operations/deep-links.ts';
import { linkSettingsOf } from '../link-settings.ts';
import {
  decisionText,
  linkCandidates,
  relinkContact,
  reopenDecisions,
  unlinkContact,
} from '../../operations/contact-decisions.ts';
import { setContactSync, syncNow, userNamed } from '../../operations/operator-actions.ts';
import type { HistoryEntry } from '../../domain/user-result.ts';
import { actor, withContext } from '../context.ts';
import { writeLines, writeOut } from '../terminal-text.ts';
import { nonNegativeInteger } from '../option-parsers.ts';
import { actionBy } from '../../operations/action-by.ts';
import { presentTargets, type Targets } from '../../domain/target-profile.ts';
import { ALL_TARGETS } from '../known-targets.ts';

function links(ids: Parameters<typeof deepLinks>[0], settings: LinkSettings, { doc, psa }: Targets): string[] {
  const found = deepLinks(ids, settings);
  return [
    `Microsoft Entra: ${found.microsoft}`,
    ...(found.doc === null || doc === null ? [] : [`${doc.words.name}: ${found.doc}`]),
    ...(found.docHint === null || doc === null ? [] : [`${doc.words.name}: ${found.docHint}`]),
    ...(found.psa === null || psa === null ? [] : [`${psa.words.name}: ${found.psa}`]),
    ...(found.psaHint === null || psa === null ? [] : [`${psa.words.name}: ${found.psaHint}`]),
  ];
}

/** `DOC create, PSA link`: what a result did in each target present. */
function perTarget(result: { readonly doc: string; readonly psa: string }, { doc, psa }: Targets): string {
  return [
    ...(doc === null ? [] : [`${doc.words.name} ${result.doc}`]),
    ...(psa === null ? [] : [`${psa.words.name} ${result.psa}`]),
  ].join(', ');
}

/** One line of a person's history: what a run or Sync now did, or what an operator did, and why. */
function historyText(entry: HistoryEntry, targets: Targets): string {
  const by = entry.action === null ? '' : ` (${entry.action.actor})`;
  if (entry.result === null) return entry.action === null ? '' : actionBy(entry.action.summary, entry.action.actor);
  const r = entry.result;
  const what = `${(entry.action === null ? r.outcome : `sync now: ${r.outcome}`).padEnd(14)} ${perTarget(r, targets)}`;
  return `${what}${by}${r.reasons.length === 0 ? '' : ` — ${r.reasons.map((x) => x.message).join(' ')}`}`;
}

export function registerContact(cli: Command, configOf: (command: Command) => string): void {
  const contact = cli.command('contact').description('One person: Manage (show), Sync now, Disable or Enable sync.');

  contact
    .command('show <user>')
    .description(
      'The "Manage" view: the ids in Microsoft 365 and each target with links, the link and how it was made, the last sync and the history.',
    )
    .option('--json', 'as JSON')
    .action((name: string, options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store, config, targets }) => {
          const { tenantId, user } = await userNamed(store, name);
          const tenant = await store.getTenant(tenantId);
          const link = await store.getLink(tenantId, user.id);
          const history = await store.userHistory(tenantId, user.id);
          const lastSync = history.find((h) => h.result !== null);
          const decisions = await store.decisionsOf(tenantId, user.id);
          const ids = {
            tenantId,
            userId: user.id,
            docCustomerId: tenant?.docCustomerId ?? null,
            docContactId: link?.docContactId ?? null,
            psaContactId: link?.psaContactId ?? null,
          };
          if (options.json === true) {
            const shown = {
              tenant: tenant === null ? null : apiTenant(tenant, targets),
              user,
              link,
              links: apiLinks(deepLinks(ids, linkSettingsOf(config)), targets),
              history: apiHistory(history, targets),
              decisions,
            };
            writeOut(`${JSON.stringify(shown)}\n`);
            return;
          }
          const lines = [
            `${shownPersonName(user) ?? user.userPrincipalName} <${user.userPrincipalName}> — ${tenant?.displayName ?? tenantId}`,
            `Microsoft 365 user: ${user.id}${user.accountEnabled === false ? ' (disabled)' : ''}`,
            ...(targets.doc === null ? [] : [`${targets.doc.words.name} contact: ${link?.docContactId || 'none'}`]),
            ...(targets.psa === null ? [] : [`${targets.psa.words.name} contact: ${link?.psaContactId ?? 'none'}`]),
            `Linked by: ${link === null ? 'not linked' : linkedByText(link, targets)}; sync: ${decisions.some((d) => d.choice === 'ignore' && d.side === targets.doc?.id) ? 'left out' : link === null ? 'not linked' : link.syncDisabled === 'none' ? 'enabled' : link.syncDisabled === 'psa' ? `disabled with ${targets.psa?.words.name}` : 'disabled'}`,
            ...decisions.map(
              (d) =>
                `Decided by an operator on ${d.at.slice(0, 16).replace('T', ' ')}: ${decisionText(d, targets)} (take it back with: contactsync contact reopen ${user.userPrincipalName})`,
            ),
            ...links(ids, linkSettingsOf(config), targets),
            lastSync === undefined
              ? 'Not synced yet.'
              : `Last sync: ${lastSync.at} — ${lastSync.result!.outcome} (${perTarget(lastSync.result!, targets)})`,
            ...(history.length === 0 ? [] : ['History:']),
            ...history.map((h) => `  ${h.at}  ${historyText(h, targets)}`),
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
          context.targets,
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
      async ({ store, targets }) => {
        const { tenantId, user } = await userNamed(store, name);
        const leg = options.leg ?? 'psa';
        if (leg !== 'psa' && leg !== 'all')
          throw new Error(
            `--leg is psa (${targets.psa?.words.name} only) or all (${targets.psa?.words.name}${targets.doc === null ? '' : ` and the Microsoft → ${targets.doc.words.name} leg`}).`,
          );
        const value: SyncDisabled = disabled === 'none' ? 'none' : (leg as SyncDisabled);
        writeOut(`${await setContactSync(store, targets, tenantId, user.id, value, actor())}\n`);
      },
      { requireSecrets: false },
    );
  contact
    .command('disable <user>')
    .description('"Disable sync": leave the contact alone in the PSA (--leg all: in the documentation platform too).')
    .option('--leg <leg>', 'psa or all', 'psa')
    .action(toggle('psa'));
  contact
    .command('enable <user>')
    .description('Sync the contact again (a person an operator left out is brought back too).')
    .action(toggle('none'));

  contact
    .command('reopen <user>')
    .description(
      'Take back the decision about a person ("leave this user out", or "create a new contact"): the next sync decides afresh, and a dispute that still stands is in the conflicts queue again.',
    )
    .action((name: string, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store, targets }) => {
          const { tenantId, user } = await userNamed(store, name);
          writeOut(`${await reopenDecisions(store, targets, tenantId, user.id, actor())}\n`);
        },
        { requireSecrets: false },
      ),
    );

  const psaTargets = ALL_TARGETS.filter((t) => t.role === 'psa');
  const unlink = contact
    .command('unlink <user>')
    .description(
      "Undo the link of a person to their contacts (with the PSA's option: to the PSA contact only); the next sync matches them afresh. The contacts are kept as they are.",
    );
  for (const target of psaTargets) unlink.option(`--${target.id}`, `unlink the ${target.words.name} contact only`);
  unlink.action((name: string, options: Readonly<Record<string, boolean | undefined>>, command: Command) =>
    withContext(
      configOf(command),
      async ({ store, targets }) => {
        const { tenantId, user } = await userNamed(store, name);
        const which = targets.psa !== null && options[targets.psa.id] === true ? targets.psa.id : 'all';
        writeOut(`${await unlinkContact(store, targets, tenantId, user.id, which, actor())}\n`);
      },
      { requireSecrets: false },
    ),
  );

  const relink = contact
    .command('relink <user>')
    .description(
      "Link a person to another contact: the option of the contact's target with its id (as the candidates list shows it). Without one, lists the candidates, the closest names first.",
    );
  for (const target of ALL_TARGETS)
    relink.option(`--${target.id} <contact>`, `the ${target.words.name} contact to link`);
  relink.action((name: string, options: Readonly<Record<string, string | undefined>>, command: Command) =>
    withContext(configOf(command), async (context) => {
      const { tenantId, user } = await userNamed(context.store, name);
      const systems = context.apis();
      const present = presentTargets(context.targets);
      const given = present.filter((t) => options[t.id] !== undefined);
      if (given.length > 1) throw new Error(`Give ${present.map((t) => `--${t.id}`).join(' or ')}, one at a time.`);
      const chosen = given[0];
      if (chosen === undefined) {
        const lines = [
          `Contacts ${shownPersonName(user) ?? user.userPrincipalName} can be linked to, the closest first:`,
        ];
        for (const target of present) {
          const candidates = await linkCandidates(
            context.store,
            systems,
            context.targets,
            tenantId,
            user.id,
            target.id,
          ).catch((error: Error) => error);
          lines.push(`${target.words.name}:`);
          if (candidates instanceof Error) lines.push(`  ${candidates.message}`);
          else
            lines.push(
              ...candidates
                .slice(0, 8)
                .map(
                  (c) =>
                    `  ${c.name}${c.email === null ? '' : ` <${c.email}>`}  --${target.id} ${c.id}${c.linkedTo === null ? '' : `  (linked to ${c.linkedTo})`}`,
                ),
            );
        }
        writeLines(lines);
        return;
      }
      const target = { system: chosen.id, contactId: options[chosen.id]! };
      writeOut(`${await relinkContact(context.store, systems, context.targets, tenantId, user.id, target, actor())}\n`);
    }),
  );
}
