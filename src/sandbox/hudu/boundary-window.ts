/** Hudu's rate window: 5 minutes, starting on the clock's 5-minute boundaries (:00, :05, :10, ...). */
export const HUDU_WINDOW_MS = 5 * 60_000;

/**
 * A counter of requests per window aligned on the clock (as a throttle keyed by `now / period` counts), not on the
 * first request: a client that waits for the next boundary is served again, one that waits a fixed time may not be.
 */
export class BoundaryWindow {
  private windowStart = Number.NaN;
  private count = 0;

  constructor(
    public limit: number,
    private readonly now: () => number,
    /** a benchmark may shorten it, as it does the other simulators' windows */
    public windowMs = HUDU_WINDOW_MS,
  ) {}

  /** Counts a request; returns 0 when allowed, else the milliseconds until the next boundary. */
  take(): number {
    const now = this.now();
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.count = 0;
    }
    if (this.count >= this.limit) return start + this.windowMs - now;
    this.count += 1;
    return 0;
  }

  /** Forgets the window: the requests counted so far no longer count (a benchmark moving from compressed time). */
  reset(): void {
    this.windowStart = Number.NaN;
    this.count = 0;
  }
}
