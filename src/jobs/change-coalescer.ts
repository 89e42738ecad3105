/**
 * Gathers the tenants that Graph says changed for a short moment and hands each on once: a burst of notifications (a
 * bulk edit, a storm) becomes one run per tenant. The wait starts at the first notice, so that a steady stream of
 * notices cannot hold a tenant back.
 */
export class ChangeCoalescer {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly waitMs: number,
    private readonly flush: (tenantIds: readonly string[]) => void,
  ) {}

  add(tenantId: string): void {
    this.pending.add(tenantId);
    this.timer ??= setTimeout(() => this.fire(), this.waitMs);
  }

  private fire(): void {
    this.timer = null;
    const tenantIds = [...this.pending];
    this.pending.clear();
    if (tenantIds.length > 0) this.flush(tenantIds);
  }

  /** Hands on what is pending now (at shutdown). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.fire();
  }
}
