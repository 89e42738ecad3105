import type { StateStore } from '../store/state-store.ts';
import { presentTargets, type Targets } from '../domain/target-profile.ts';
import { changeLatencyMetric, renderLabels } from './metrics-recorder.ts';

/** The families' HELP and TYPE lines, in the installation's targets' names. */
function helpOf(targets: Targets): Readonly<Record<string, { type: 'counter' | 'gauge' | 'histogram'; help: string }>> {
  const names = presentTargets(targets)
    .map((target) => target.words.name)
    .join(' and ');
  const psa = targets.psa;
  return {
    contactsync_runs_total: { type: 'counter', help: 'Tenant sync runs, by how they ended.' },
    contactsync_writes_total: { type: 'counter', help: `Writes done in ${names}, by system and operation.` },
    contactsync_user_failures_total: {
      type: 'counter',
      help: 'Users whose sync failed in a run (each with a reason in the run report).',
    },
    contactsync_api_429_total: { type: 'counter', help: 'HTTP 429 answers received, by API.' },
    contactsync_db_connection_errors_total: {
      type: 'counter',
      help: 'PostgreSQL connections lost (terminated, restarted, failed over): the work on them failed and was retried.',
    },
    ...(psa === null
      ? {}
      : {
          [changeLatencyMetric(psa)]: {
            type: 'histogram' as const,
            help: `Seconds from a change in Microsoft 365 to the contact written in ${psa.words.name} (measured from the read before the one that saw the change: an upper bound).`,
          },
        }),
    contactsync_queue_jobs: { type: 'gauge', help: 'Tenant sync jobs in the queue, by state (scale-out only).' },
    contactsync_tenants: { type: 'gauge', help: 'Tenants, by status.' },
    contactsync_open_conflicts: { type: 'gauge', help: 'Conflicts waiting for a person.' },
    contactsync_held_users: {
      type: 'gauge',
      help: `Users held from ${psa?.words.name ?? names} now (a required field missing), as the latest run of each tenant found them.`,
    },
    contactsync_sync_results_total: {
      type: 'counter',
      help: "What runs did to users' contacts, by system and result (the figures of each run's summary).",
    },
    contactsync_quiet_polls_total: {
      type: 'counter',
      help: 'Polls that found no change in Microsoft 365 and nothing else to do (not written as runs).',
    },
  };
}

/** A histogram bucket's bound, so that buckets are listed in increasing order. */
function le(labels: string): number {
  const bound = /le="([^"]+)"/.exec(labels)?.[1];
  return bound === undefined ? -1 : bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
}

/** The Prometheus text exposition (version 0.0.4) of the installation's figures. */
export async function prometheusText(
  store: StateStore,
  queue: readonly { state: string; n: number }[] | null,
  targets: Targets,
): Promise<string> {
  const help = helpOf(targets);
  const samples = new Map<string, string[]>();
  const sample = (family: string, name: string, labels: string, value: number) => {
    const list = samples.get(family) ?? [];
    list.push(`${name}${labels} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
    samples.set(family, list);
  };
  const totals = await store.syncTotals();
  for (const r of totals.runs)
    sample('contactsync_runs_total', 'contactsync_runs_total', renderLabels({ status: r.status }), r.n);
  for (const w of totals.writes)
    sample(
      'contactsync_writes_total',
      'contactsync_writes_total',
      renderLabels({ system: w.system, operation: w.operation }),
      w.n,
    );
  sample('contactsync_user_failures_total', 'contactsync_user_failures_total', '', totals.failedUsers);
  const counters = (await store.counters()).sort((a, b) =>
    a.name === b.name ? le(a.labels) - le(b.labels) || (a.labels < b.labels ? -1 : 1) : a.name < b.name ? -1 : 1,
  );
  for (const c of counters) sample(c.name.replace(/_(bucket|sum|count)$/, ''), c.name, c.labels, c.value);
  for (const always of ['contactsync_api_429_total', 'contactsync_db_connection_errors_total'])
    if (!samples.has(always)) sample(always, always, '', 0);
  const tenants = new Map<string, number>();
  for (const t of await store.listTenants()) tenants.set(t.status, (tenants.get(t.status) ?? 0) + 1);
  for (const [status, n] of tenants) sample('contactsync_tenants', 'contactsync_tenants', renderLabels({ status }), n);
  sample(
    'contactsync_open_conflicts',
    'contactsync_open_conflicts',
    '',
    (await store.listConflicts({ status: 'open' })).length,
  );
  let held = 0;
  for (const t of await store.listTenants()) held += (await store.openUsers(t.id)).held.size;
  sample('contactsync_held_users', 'contactsync_held_users', '', held);
  for (const q of queue ?? [])
    sample('contactsync_queue_jobs', 'contactsync_queue_jobs', renderLabels({ state: q.state }), q.n);
  const lines: string[] = [];
  for (const [family, list] of samples) {
    const meta = help[family];
    if (meta !== undefined) lines.push(`# HELP ${family} ${meta.help}`, `# TYPE ${family} ${meta.type}`);
    lines.push(...list);
  }
  return `${lines.join('\n')}\n`;
}
