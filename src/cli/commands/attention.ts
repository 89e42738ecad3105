import type { Command } from 'commander';
import { actOnAttention, setBlankPhoneAndSync } from '../../operations/attention-actions.ts';
import {
  ATTENTION_KINDS,
  attentionCsv,
  attentionItems,
  countByKind,
  type AttentionAction,
  type AttentionKind,
} from '../../operations/attention.ts';
import { actor, tenantNamed, withContext, type CliContext } from '../context.ts';
import { writeLines, writeOut } from '../terminal-text.ts';

const ACTIONS = ['create', 'ignore', 'approve', 'retry'] as const;

function kindOf(value: string | undefined): AttentionKind | undefined {
  if (value === undefined) return undefined;
  if (!(ATTENTION_KINDS as readonly string[]).includes(value))
    throw new Error(`--kind is one of ${ATTENTION_KINDS.join(', ')}, not "${value}".`);
  return value as AttentionKind;
}

async function itemsOf(context: CliContext, options: { kind?: string; tenant?: string }) {
  const tenant = options.tenant === undefined ? null : await tenantNamed(context.store, options.tenant);
  const kind = kindOf(options.kind);
  return attentionItems(context.store, {
    ...(kind === undefined ? {} : { kind }),
    ...(tenant === null ? {} : { tenantId: tenant.id }),
  });
}

export function registerAttention(cli: Command, configOf: (command: Command) => string): void {
  const attention = cli
    .command('attention')
    .description(
      'Needs attention: every item across tenants that waits for a person (conflicts, held contacts, deletion-guard halts, failed users and runs, contract mismatches), grouped by kind and customer.',
    )
    .option('--kind <kind>', `only one kind: ${ATTENTION_KINDS.join(', ')}`)
    .option('--tenant <tenant>', 'only this tenant (id or name)')
    .option('--csv', 'as CSV, for a spreadsheet or a ticket')
    .option('--json', 'as JSON')
    .action((options: { kind?: string; tenant?: string; csv?: boolean; json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async (context) => {
          const items = await itemsOf(context, options);
          if (options.json === true) return writeOut(`${JSON.stringify({ counts: countByKind(items), items })}\n`);
          if (options.csv === true)
            return writeOut(attentionCsv(items, await context.alerts.linkBase()).replace(/\r\n/g, '\n'));
          if (items.length === 0) return writeOut('Nothing waits for a person.\n');
          const lines: string[] = [];
          for (const kind of ATTENTION_KINDS) {
            const ofKind = items.filter((i) => i.kind === kind);
            if (ofKind.length === 0) continue;
            lines.push(`${kind} (${ofKind.length})`);
            for (const tenant of new Set(ofKind.map((i) => i.tenantName))) {
              const mine = ofKind.filter((i) => i.tenantName === tenant);
              lines.push(`  ${tenant} (${mine.length})`);
              for (const i of mine) {
                lines.push(`    ${i.id}  ${i.subject}: ${i.detail}`);
                if (i.release !== null) lines.push(`      to release: ${i.release.advice}`);
              }
            }
          }
          writeLines(lines);
          writeOut(
            'Decide many at once: contactsync attention act create|ignore|approve|retry ITEM... (or --all with --kind and --tenant).\n',
          );
        },
        { requireSecrets: false },
      ),
    );

  attention
    .command('act <action> [items...]')
    .description(
      'One decision for many items: create (a new contact for each conflict), ignore (leave them out), approve (deletion-guard halts), retry (sync again); each tenant touched is synced at once.',
    )
    .option('--all', 'every item the --kind and --tenant filters show')
    .option('--kind <kind>', 'with --all: only this kind')
    .option('--tenant <tenant>', 'with --all: only this tenant')
    .action(
      (action: string, ids: string[], options: { all?: boolean; kind?: string; tenant?: string }, command: Command) =>
        withContext(configOf(command), async (context) => {
          if (!(ACTIONS as readonly string[]).includes(action))
            throw new Error(`The action is one of ${ACTIONS.join(', ')}, not "${action}".`);
          const chosen = options.all === true ? (await itemsOf(context, options)).map((i) => i.id) : ids;
          if (chosen.length === 0)
            throw new Error(
              'Name the items (their ids from contactsync attention), or give --all with --kind or --tenant.',
            );
          writeLines([
            await actOnAttention(context.store, context.apis().runner, chosen, action as AttentionAction, actor()),
          ]);
        }),
    );

  attention
    .command('blank-phone <tenant> <value>')
    .description(
      'Set the phone written for contacts Microsoft 365 gives none (phones.blankReplacement: a number such as 000-000-0000, or tenantMain), then sync the tenant, releasing the contacts held for it.',
    )
    .action((tenantName: string, value: string, _options: unknown, command: Command) =>
      withContext(configOf(command), async (context) => {
        const tenant = await tenantNamed(context.store, tenantName);
        writeLines([await setBlankPhoneAndSync(context.store, context.apis().runner, tenant, value, actor())]);
      }),
    );
}
