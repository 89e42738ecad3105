import type { SyncRunner } from '../run/sync-runner.ts';

/** The runner's methods that read and write a tenant: each call is a run `serve` waits for before it stops. */
const RUN_METHODS = new Set<string | symbol>(['runTenant', 'runAll', 'runUser', 'mapTenants']);

/**
 * The runs this process has started and not finished (the daemon's, and those a request started: Sync now, a sync,
 * a preview). Stopping waits for them before the database is closed: closed under a run, its last writes and the
 * release of its tenant's lock would fail, even when the request that started it has gone.
 */
export class RunsInFlight {
  private readonly running = new Map<Promise<unknown>, string>();

  /** The runner, each of whose runs is counted here until it ends. */
  track(runner: SyncRunner): SyncRunner {
    return new Proxy(runner, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (!RUN_METHODS.has(property) || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const run = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const tenant = typeof args[0] === 'string' && property !== 'runAll' ? args[0] : 'every tenant';
          this.running.set(run, tenant);
          const done = () => this.running.delete(run);
          run.then(done, done);
          return run;
        };
      },
    });
  }

  /** The tenants (ids) of the runs in flight, once each. */
  tenants(): string[] {
    return [...new Set(this.running.values())];
  }

  get count(): number {
    return this.running.size;
  }

  /** Resolves true when every run in flight has ended (runs started meanwhile too), false after `ms`. */
  async ended(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(this.running.keys()),
        new Promise((resolve) => (timer = setTimeout(resolve, left))),
      ]);
      clearTimeout(timer);
    }
    return true;
  }
}
