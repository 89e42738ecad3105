import type { DirectorySource, DocStore, Psa } from '../domain/ports.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { MetricsSink } from '../metrics/metrics-recorder.ts';
import type { StateStore } from '../store/state-store.ts';
import type { TenantLocks } from '../store/tenant-locks.ts';
import type { RunAlerts } from './run-alerts.ts';

export type RunLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface RunnerDependencies {
  readonly store: StateStore;
  readonly directory: DirectorySource;
  /** the targets the installation has: a port is given for each one present, and only for those */
  readonly targets: Targets;
  readonly doc: DocStore | null;
  readonly psa: Psa | null;
  /** one writer per tenant, across every process sharing the state database */
  readonly locks: TenantLocks;
  readonly log?: RunLog;
  /** hears the time from a change in Microsoft 365 to its contact written in the PSA */
  readonly metrics?: MetricsSink;
  /** hears what each run left waiting for a person, and sends the alerts that are due after it */
  readonly alerts?: RunAlerts;
}
