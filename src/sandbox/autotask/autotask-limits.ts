import { RollingWindow } from '../rolling-window.ts';

/**
 * Autotask's two limits (REST_Thresholds_Limits, ThreadLimiting): requests per hour per database, every integration
 * of the MSP together, in a rolling hour on the simulator's clock; and at most three requests at once per integration
 * code and endpoint.
 */

const HOUR_MS = 3600_000;

/** The requests of one database in the last hour, its own and (as a steady rate) the other integrations'. */
export class HourlyBudget extends RollingWindow {
  constructor(
    limit: number,
    /** requests per hour the MSP's other integrations make */
    othersPerHour: number,
    now: () => number,
    /** a benchmark may shorten it, as it does the other simulators' windows */
    windowMs = HOUR_MS,
  ) {
    super(limit, windowMs, othersPerHour, now);
  }
}

/** Requests in flight per integration code and endpoint. */
export class ThreadLimit {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly perEndpoint = 3) {}

  /** Takes a thread; false when the integration already has `perEndpoint` requests in flight on the endpoint. */
  take(integrationCode: string, endpoint: string): boolean {
    const key = `${integrationCode}\u0000${endpoint}`;
    const held = this.inFlight.get(key) ?? 0;
    if (held >= this.perEndpoint) return false;
    this.inFlight.set(key, held + 1);
    return true;
  }

  release(integrationCode: string, endpoint: string): void {
    const key = `${integrationCode}\u0000${endpoint}`;
    const held = (this.inFlight.get(key) ?? 1) - 1;
    if (held <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, held);
  }
}
