import type { Command } from 'commander';
import { actOnAttention, setBlankPhoneAndSync } from '../../operations/attention-actions.ts';
import {
  ATTENTION_KINDS,
  attentionCsv,
  attentionItems,
  countByKind,
  counted,
  type AttentionAction,
  type AttentionKind,
} from '../../operations/attention.ts';
import { actor, tenantNamed, withContext, type CliContext } from '../context.ts';
import { approvalSteps } from '../approval-steps.ts';
import { heldInactivations, personOf } from '../../operations/held-inactivations.ts';
import { goAhead } from '../go-ahead.ts';
import { writeLines, writeOut } from '../terminal-text.ts';

const ACTIONS = ['create', 'ignore', 'approve', 'retry'] as const;

function kindOf(value: string | undefined): AttentionKind | undefined {
  if (value === undefined) return undefined;
  if (!(ATTENTION_KINDS as readonly string[]).includes(value))
    throw new Error(`--kind is one of ${ATTENTION_KINDS.join(', ')}, not "${value}".`);
  return value as AttentionKind;
}

async function itemsOf(context: CliContext, options: { kind?: string; tenant?: string }) {
  const kind = kindOf(options.kind);
  const tenant = options.tenant === undefined ? null : await tenantNamed(context.store, options.tenant);
  return attentionItems(context.store, context.targets, {
    ...(kind === undefined ? {} : { kind }),
    ...(tenant === null ? {} : { tenantId: tenant.id }),
  });
}

/**
 * Refuses what would widen a decision by mistake: ids beside --all (which would be ignored), and filters without --all
 * (they choose nothing).
 */
function refuseMisplaced(options: { all?: boolean; kind?: string; tenant?: string }, ids: string[]) {
  if (options.all === true && ids.length > 0)
    throw new Error(
      `Either name the items (${ids.length} given) or give --all with --kind and --tenant, not both. Nothing was done.`,
    );
  if (options.all !== true && (options.kind !== undefined || options.tenant !== undefined))
    throw new Error(
      '--kind and --tenant choose the items only with --all: add --all to act on every item they list, or name the items by id. Nothing was done.',
    );
}

/**
 * The items --all stands for, exactly what `contactsync attention` lists with the same filters and that can take the
 * action: listed with their count and customers first (on stdout, as any listing), then acted on only with --yes (or
 * a "yes" typed on a terminal). Without either, "Nothing done yet" and exit code 1: a script sees nothing was done.
 */
async function confirmed(
  context: CliContext,
  options: { kind?: string; tenant?: string; yes?: boolean },
  action: AttentionAction,
): Promise<string[] | null> {
  const fitting = (await itemsOf(context, options)).filter((i) => i.actions.includes(action));
  if (fitting.length === 0)
    throw new Error(
      `Nothing listed${options.kind === undefined && options.tenant === undefined ? '' : ' with these filters'} can ${action}. Nothing was done.`,
    );
  const customers = [...new Set(fitting.map((i) => i.tenantName))];
  const lines = [`${action}: ${counted(fitting.length, 'item')} of ${counted(customers.length, 'customer')}:`];
  for (const customer of customers) {
    const mine = fitting.filter((i) => i.tenantName === customer);
    lines.push(`  ${customer} (${mine.length})`);
    for (const i of mine) {
      lines.push(`    ${i.id}  ${i.subject}`);
      // Approving a halt inactivates people: name every one of them, as approve does, so nobody approves blind.
      if (action === 'approve' && i.kind === 'guard-halt')
        for (const person of (await heldInactivations(context.store, i.tenantId)).people)
          lines.push(`      ${personOf(person)}`);
    }
  }
  if (action === 'create') {
    // A BMS dispute is a person with two or more BMS contacts already: as the web confirmation says, how many.
    const sides = new Map((await context.store.listConflicts({ status: 'open' })).map((c) => [c.id, c.side]));
    const bms = fitting.filter((i) => sides.get(i.conflictId ?? '') === 'bms').length;
    if (bms > 0)
      lines.push(
        `${counted(bms, 'person has', 'people have')} two or more BMS contacts already: a new BMS contact for ${bms === 1 ? 'them' : 'each'} makes a third (link one of those instead with contactsync conflicts resolve if one of them is the person).`,
      );
  }
  writeLines(lines);
  return (await goAhead(
    options.yes,
    `${action} ${fitting.length === 1 ? 'this item' : `these ${counted(fitting.length, 'item')}`}`,
  ))
    ? fitting.map((i) => i.id)
    : null;
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
                lines.push(
                  `    ${i.id}  ${i.subject}: ${i.detail}${i.kind === 'held' ? ` (held since ${i.since.replace('T', ' ').slice(0, 16)})` : ''}`,
                );
                if (i.release !== null) lines.push(`      to release: ${i.release.advice}`);
                if (i.kind === 'guard-halt') lines.push(`      ${approvalSteps(i.tenantName, i.runId)}`);
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
      'One decision for many items: create (a new contact for each conflict), ignore (leave them out), approve (deletion-guard halts), retry (sync again); each tenant touched is synced at once. With --all, it lists the items first and acts only with --yes (or a typed yes at a terminal); without it, nothing is done and it exits 1.',
    )
    .option('--all', 'every item that `contactsync attention` lists with the same --kind and --tenant')
    .option('--kind <kind>', 'with --all: only this kind')
    .option('--tenant <tenant>', 'with --all: only this tenant (id or name)')
    .option('--yes', 'with --all: act without asking')
    .action((action: string, ids: string[], _own: unknown, command: Command) =>
      withContext(configOf(command), async (context) => {
        // `attention` declares --kind and --tenant too and takes them wherever they are typed: read from both, they
        // filter what is acted on, before or after "act".
        const options = command.optsWithGlobals<{ all?: boolean; kind?: string; tenant?: string; yes?: boolean }>();
        if (!(ACTIONS as readonly string[]).includes(action))
          throw new Error(`The action is one of ${ACTIONS.join(', ')}, not "${action}".`);
        refuseMisplaced(options, ids);
        if (options.all !== true && ids.length === 0)
          throw new Error(
            'Name the items (their ids from contactsync attention), or give --all with --kind or --tenant.',
          );
        const chosen = options.all === true ? await confirmed(context, options, action as AttentionAction) : ids;
        if (chosen === null) return;
        writeLines([
          await actOnAttention(
            context.store,
            context.apis().runner,
            context.targets,
            chosen,
            action as AttentionAction,
            actor(),
          ),
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
        writeLines([
          await setBlankPhoneAndSync(context.store, context.apis().runner, context.targets, tenant, value, actor()),
        ]);
      }),
    );
}
