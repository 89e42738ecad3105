import type { StateStore } from '../store/state-store.ts';
import { TenantBusyError, type TenantLease, type TenantLocks } from '../store/tenant-locks.ts';
import type { RunLog } from './run-dependencies.ts';
import type { LockOptions } from './run-options.ts';

/**
 * Runs `work` holding the tenant's lock, whoever asks (CLI, web, REST, daemon, worker): a second run of the tenant
 * waits up to `waitSeconds` for the first to end, then is refused with a TenantBusyError naming the holder.
 */
export async function holdingTenant<T>(
  deps: { readonly locks: TenantLocks; readonly store: StateStore; readonly log?: RunLog },
  tenantId: string,
  options: LockOptions,
  work: (lease: TenantLease) => Promise<T>,
): Promise<T> {
  const by = options.by ?? 'contactsync';
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  for (;;) {
    const attempt = await deps.locks.tryAcquire(tenantId, by);
    if ('lease' in attempt) {
      try {
        return await work(attempt.lease);
      } finally {
        await attempt.lease.release().catch((error: unknown) =>
          deps.log?.('warn', 'the tenant lock could not be released; it is freed when its lease runs out', {
            tenantId,
            error: (error as Error).message,
          }),
        );
      }
    }
    if (Date.now() >= deadline) {
      const tenant = await deps.store.getTenant(tenantId);
      throw new TenantBusyError(tenant?.displayName ?? tenantId, attempt.holder);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(50, deadline - Date.now()))));
  }
}
