/**
 * A cap on requests in flight at once under a key (an API that refuses a fourth concurrent call to an endpoint). A
 * holder waits for a free slot and gives it back when its request is answered.
 */
export interface InFlightSlots {
  /**
   * Resolves, once one of `cap` slots under `key` is free, with the function that gives it back. A holder that never
   * gives it back (its process died) loses it after `maxHoldMs` where slots are shared between processes.
   */
  hold(key: string, cap: number, maxHoldMs: number): Promise<() => Promise<void>>;
}

/** Slots in one process: waiters are served first come, first served. */
export class LocalInFlightSlots implements InFlightSlots {
  private readonly busy = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  async hold(key: string, cap: number): Promise<() => Promise<void>> {
    const inUse = this.busy.get(key) ?? 0;
    if (inUse < cap && (this.waiting.get(key)?.length ?? 0) === 0) this.busy.set(key, inUse + 1);
    else
      // The slot is handed over by the release below, never counted free in between.
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(key) ?? [];
        queue.push(resolve);
        this.waiting.set(key, queue);
      });
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(key)?.shift();
      if (next !== undefined) next();
      else this.busy.set(key, (this.busy.get(key) ?? 1) - 1);
    };
  }
}
