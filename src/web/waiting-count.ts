/**
 * How many items wait for a person (Needs attention), for the navigation of every page: counted at most every few
 * seconds however many pages are shown, and afresh after any change a person makes.
 */
export class WaitingCount {
  private cached: { readonly at: number; readonly count: Promise<number | null> } | null = null;

  constructor(
    private readonly count: () => Promise<number>,
    private readonly maxAgeMs = 10_000,
  ) {}

  /** The count, or null when it cannot be had now (a page is shown without it, never refused for it). */
  get(): Promise<number | null> {
    if (this.cached === null || Date.now() - this.cached.at > this.maxAgeMs)
      this.cached = { at: Date.now(), count: this.count().catch(() => null) };
    return this.cached.count;
  }

  /** Something changed (a decision, a sync): the next page counts again. */
  forget(): void {
    this.cached = null;
  }
}
