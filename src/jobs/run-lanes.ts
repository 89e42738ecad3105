import type { SyncRunner } from '../run/sync-runner.ts';
import type { TenantRunResult } from '../run/run-result.ts';
import type { TenantDispatcher } from './daemon.ts';

export type Lane = 'express' | 'bulk';

/** How many runs each lane takes at once in one process. */
interface LaneSizes {
  readonly express: number;
  readonly bulk: number;
}

const DEFAULT_LANES: LaneSizes = { express: 2, bulk: 1 };

class Slots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async take(): Promise<void> {
    if (this.busy < this.size) {
      this.busy += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.busy -= 1;
  }
}

/**
 * Two lanes of runs in one process: small runs (polls, notices, a few changed users) in the express lane, large ones
 * (a first sync, a reconciliation, a mass change) in the bulk lane, so that a new hire never waits for a backfill's
 * slot. A run that starts express and turns out large moves to the bulk lane without reading again.
 */
export class RunLanes {
  private readonly slots: Record<Lane, Slots>;

  constructor(sizes: LaneSizes = DEFAULT_LANES) {
    this.slots = { express: new Slots(sizes.express), bulk: new Slots(sizes.bulk) };
  }

  async run<T>(lane: Lane, work: (moveToBulk: () => Promise<void>) => Promise<T>): Promise<T> {
    let held: Lane = lane;
    await this.slots[held].take();
    try {
      return await work(async () => {
        if (held === 'bulk') return;
        this.slots.express.give();
        held = 'bulk';
        await this.slots.bulk.take();
      });
    } finally {
      this.slots[held].give();
    }
  }
}

/** The embedded daemon's dispatcher: polls and notices run express, reconciliations bulk, through the lanes. */
export function lanedDispatcher(
  runner: Pick<SyncRunner, 'mapTenants' | 'runTenant'>,
  lanes: RunLanes = new RunLanes(),
): TenantDispatcher {
  return {
    mapTenants: () => runner.mapTenants(),
    runTenant(tenantId, { force, by }): Promise<TenantRunResult> {
      const lane: Lane = force ? 'bulk' : 'express';
      return lanes.run(lane, (moveToBulk) =>
        runner.runTenant(tenantId, {
          force,
          by,
          lane,
          onLarge: async () => {
            await moveToBulk();
            return 'continue';
          },
        }),
      );
    },
  };
}
