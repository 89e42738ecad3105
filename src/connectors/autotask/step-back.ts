import type { AutotaskThreshold } from './wire.ts';

/**
 * Autotask counts one hourly limit per database, spent by every integration the MSP runs, and slows every call past
 * half of it. contactsync's budget is a share of that limit; when `ThresholdInformation` shows the others busy, each
 * request counts as several units of that budget, so that contactsync spends no more than what the others leave.
 */

/** The share of the database's limit left unspent by anyone, so that no integration is blocked. */
const KEPT_FREE = 0.1;
/** However busy the others, contactsync still moves, at this fraction of its budget at least. */
const SLOWEST = 1 / 20;
/** How long a reading of `ThresholdInformation` stands (it counts as a request itself). */
export const THRESHOLD_READ_EVERY_MS = 5 * 60_000;

/**
 * The units each request costs: 1 while the database has room for contactsync's whole budget beside what the others
 * spent (the reading's count less `ours`, contactsync's own requests in the window), else the budget over that room.
 */
export function stepBackCost(reading: AutotaskThreshold, ours: number, budget: number): number {
  const others = Math.max(0, reading.used - ours);
  const room = Math.floor(reading.limit * (1 - KEPT_FREE)) - others;
  if (room >= budget) return 1;
  return Math.ceil(budget / Math.max(room, budget * SLOWEST));
}

/** Requests sent in the last window, counted a minute at a time. */
export class RecentRequests {
  private readonly perMinute = new Map<number, number>();

  constructor(private readonly now: () => number) {}

  count(): void {
    const minute = Math.floor(this.now() / 60_000);
    this.perMinute.set(minute, (this.perMinute.get(minute) ?? 0) + 1);
  }

  /** the requests of the last `windowMs` */
  within(windowMs: number): number {
    const oldest = Math.floor((this.now() - windowMs) / 60_000);
    let sum = 0;
    for (const [minute, n] of this.perMinute) {
      if (minute <= oldest) this.perMinute.delete(minute);
      else sum += n;
    }
    return sum;
  }
}
