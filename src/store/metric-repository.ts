import { atomically, type StoreContext } from './store-context.ts';

/** Counters every process adds to, and the totals the state itself keeps. */
export function metricRepository({ db }: StoreContext) {
  /** Adds to counters (created at zero when new); one transaction for the whole batch. */
  async function addCounters(entries: readonly { name: string; labels: string; value: number }[]): Promise<void> {
    if (entries.length === 0) return;
    await atomically(db, async (tx) => {
      for (const entry of entries) {
        await tx
          .insertInto('metric_counters')
          .values(entry)
          .onConflict((oc) =>
            oc
              .columns(['name', 'labels'])
              .doUpdateSet((eb) => ({ value: eb('metric_counters.value', '+', eb.ref('excluded.value')) })),
          )
          .execute();
      }
    });
  }

  async function counters(): Promise<{ name: string; labels: string; value: number }[]> {
    return (await db.selectFrom('metric_counters').selectAll().orderBy('name').orderBy('labels').execute()).map(
      (r) => ({ ...r, value: Number(r.value) }),
    );
  }

  /** Totals kept by the state itself: runs by status, writes done by system and operation, users failed. */
  async function syncTotals(): Promise<{
    runs: { status: string; n: number }[];
    writes: { system: string; operation: string; n: number }[];
    failedUsers: number;
  }> {
    const runs = await db
      .selectFrom('runs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .orderBy('status')
      .execute();
    const writes = await db
      .selectFrom('journal')
      .select(['system', 'operation', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'done')
      .groupBy(['system', 'operation'])
      .orderBy('system')
      .orderBy('operation')
      .execute();
    const failed = await db
      .selectFrom('user_results')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('outcome', '=', 'failed')
      .executeTakeFirstOrThrow();
    return {
      runs: runs.map((r) => ({ status: r.status, n: Number(r.n) })),
      writes: writes.map((w) => ({ system: w.system, operation: w.operation, n: Number(w.n) })),
      failedUsers: Number(failed.n),
    };
  }

  return { addCounters, counters, syncTotals };
}
