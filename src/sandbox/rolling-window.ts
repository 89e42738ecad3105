/**
 * A limit of requests per rolling window on the simulator's clock, counting the requests of the API's other users as a
 * steady number per window (Halo's 300 per rolling 5 minutes, Autotask's 10,000 an hour per database).
 */
export class RollingWindow {
  private readonly times: number[] = [];
  private start = 0;

  constructor(
    public limit: number,
    public windowMs: number,
    /** requests per window the MSP's other tools make */
    public othersPerWindow: number,
    private readonly now: () => number,
  ) {}

  /** Requests counted in the window up to now. */
  count(): number {
    const since = this.now() - this.windowMs;
    while (this.start < this.times.length && this.times[this.start]! <= since) this.start++;
    if (this.start > 4096) {
      this.times.splice(0, this.start);
      this.start = 0;
    }
    return this.times.length - this.start + this.othersPerWindow;
  }

  /** Counts a request; false (and not counted) when the window's limit is reached. */
  take(): boolean {
    if (this.count() >= this.limit) return false;
    this.times.push(this.now());
    return true;
  }
}
