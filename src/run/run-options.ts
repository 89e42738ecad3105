/** Who starts a run, and how long it may wait for a run of the same tenant to end. */
export interface LockOptions {
  /** named in the busy message another caller gets: `worker`, `daemon`, `web:alice`, `api:automation`, `cli:root` */
  readonly by?: string;
  /** how long to wait for another run of the tenant to end before refusing (0, the default: refuse at once) */
  readonly waitSeconds?: number;
}

export interface RunOptions extends LockOptions {
  /** plan even when Microsoft reports no change (a full reconciliation) */
  readonly force?: boolean;
  /** plan and report, write nothing */
  readonly dryRun?: boolean;
  readonly onPhase?: (tenantId: string, phase: string) => void;
  readonly onProgress?: (tenantId: string, done: number, total: number) => void;
  /**
   * `express`: a run expected to be small (a poll, a notice), which takes the budgets' share kept for small runs. If
   * its read shows a large run (a first or full read, many changes, changed settings), `onLarge` says whether it goes
   * on as a large run or stops there (`deferred`: its caller gives the tenant to the large runs' lane).
   */
  readonly lane?: 'express' | 'bulk';
  readonly onLarge?: () => Promise<'continue' | 'stop'>;
}
