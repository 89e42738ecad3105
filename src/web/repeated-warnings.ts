/**
 * Warnings a stranger can repeat at will (a thousand sign-in forms without their CSRF cookie) are written once per
 * interval: the first as it comes, the rest counted and written as one line with the count when the interval ends.
 */
export class RepeatedWarnings {
  private readonly held = new Map<string, { count: number; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly write: (message: string, repeated: number, intervalMs: number) => void,
    private readonly intervalMs = 60_000,
    /** messages kept track of at once; past that, a new one is written without being kept */
    private readonly capacity = 1000,
  ) {}

  /** Whether `message` should be written now; false when it was written within the interval (it is counted). */
  admit(message: string): boolean {
    const entry = this.held.get(message);
    if (entry !== undefined) {
      entry.count += 1;
      if (entry.timer === null) {
        entry.timer = setTimeout(() => this.flush(message), this.intervalMs);
        entry.timer.unref();
      }
      return false;
    }
    if (this.held.size >= this.capacity) return true;
    this.held.set(message, { count: 0, timer: null });
    // A message seen once is forgotten after the interval unless it comes again.
    setTimeout(() => {
      if (this.held.get(message)?.timer === null) this.held.delete(message);
    }, this.intervalMs).unref();
    return true;
  }

  private flush(message: string): void {
    const entry = this.held.get(message);
    this.held.delete(message);
    if (entry !== undefined && entry.count > 0) this.write(message, entry.count, this.intervalMs);
  }
}
