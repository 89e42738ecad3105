import type { TargetProfile } from '../domain/target-profile.ts';
import type { StateStore } from '../store/state-store.ts';

/** Where the engine reports what it measures; kept apart from any one process so that every worker adds to it. */
export interface MetricsSink {
  increment(name: string, labels?: Readonly<Record<string, string>>, by?: number): void;
  observe(name: string, value: number, labels?: Readonly<Record<string, string>>): void;
}

/**
 * The histogram of the seconds from a change in Microsoft 365 to the contact written in the PSA, named after it
 * (`contactsync_change_to_<id>_seconds`: the name dashboards know).
 */
export function changeLatencyMetric(psa: Pick<TargetProfile, 'id'>): string {
  return `contactsync_change_to_${psa.id}_seconds`;
}

/** Histogram bounds of the seconds from a change in Microsoft 365 to the contact written in the PSA. */
const LATENCY_BUCKETS = [5, 10, 15, 30, 45, 60, 90, 120, 300, 900, 3600] as const;

export function renderLabels(labels: Readonly<Record<string, string>> = {}): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0
    ? ''
    : `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

/**
 * Counts in memory and adds them to the store's counters every few seconds (and at `flush`), so that `/metrics` of
 * any process shows the whole installation's figures.
 */
export class StoreMetrics implements MetricsSink {
  private pending = new Map<string, { name: string; labels: string; value: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: StateStore,
    private readonly flushMs = 5_000,
  ) {}

  private add(name: string, labels: string, value: number): void {
    const key = `${name}${labels}`;
    const entry = this.pending.get(key);
    if (entry === undefined) this.pending.set(key, { name, labels, value });
    else entry.value += value;
    this.timer ??= setTimeout(() => void this.flush().catch(() => {}), this.flushMs).unref();
  }

  increment(name: string, labels: Readonly<Record<string, string>> = {}, by = 1): void {
    this.add(name, renderLabels(labels), by);
  }

  observe(name: string, value: number, labels: Readonly<Record<string, string>> = {}): void {
    for (const bound of LATENCY_BUCKETS)
      if (value <= bound) this.add(`${name}_bucket`, renderLabels({ ...labels, le: String(bound) }), 1);
    this.add(`${name}_bucket`, renderLabels({ ...labels, le: '+Inf' }), 1);
    this.add(`${name}_sum`, renderLabels(labels), value);
    this.add(`${name}_count`, renderLabels(labels), 1);
  }

  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    await this.store.addCounters(batch);
  }
}

/** Counts the 429s an API answered, from the HTTP clients' attempt log. */
export function countRateLimited(
  metrics: MetricsSink,
): (attempt: { readonly service: string; readonly status: number | null }) => void {
  return (attempt) => {
    if (attempt.status === 429) metrics.increment('contactsync_api_429_total', { api: attempt.service });
  };
}
