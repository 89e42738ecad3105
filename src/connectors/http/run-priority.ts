import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whether the work in progress is a small run (a new hire, Sync now, a runbook: a few users) or a large one (a first
 * sync, a reconciliation, a mass change). The request budgets keep a share for small runs and serve them first, and a
 * large run steps aside between batches while small runs are busy, so that a new hire is never queued behind a
 * backfill. Carried through every await of a run without passing it to each call.
 */
interface RunClass {
  small: boolean;
}

const storage = new AsyncLocalStorage<RunClass>();
let activeSmall = 0;
let idle: (() => void)[] = [];

/** Runs `work` as a small or a large run; a small one is counted while it lasts. */
export async function runAs<T>(small: boolean, work: () => Promise<T>): Promise<T> {
  const runClass: RunClass = { small };
  if (small) activeSmall += 1;
  try {
    return await storage.run(runClass, work);
  } finally {
    if (runClass.small) finishedSmall();
  }
}

function finishedSmall(): void {
  activeSmall -= 1;
  if (activeSmall === 0) {
    const waiting = idle;
    idle = [];
    for (const wake of waiting) wake();
  }
}

/** Whether the current request belongs to a small run; work outside any run (a page, doctor) counts as small. */
export function isSmallRun(): boolean {
  return storage.getStore()?.small ?? true;
}

/** The run in progress turned out large (a full read, many changes): from now on it yields to small runs. */
export function markLargeRun(): void {
  const runClass = storage.getStore();
  if (runClass === undefined || !runClass.small) return;
  runClass.small = false;
  finishedSmall();
}

/** Between batches of a large run: waits while small runs are busy in this process, at most `maxMs`. */
export async function yieldToSmallRuns(maxMs = 10_000): Promise<void> {
  if (isSmallRun() || activeSmall === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    idle.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
