import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Kysely, Selectable } from 'kysely';
import type pg from 'pg';
import { tryAdvisoryLock } from './advisory-lock.ts';
import type { Database, TenantLockTable } from './schema.ts';

/** Who holds a tenant: what started the run, in which process on which host, and since when. */
interface LockHolder {
  readonly by: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** A tenant's lock while this process holds it. */
export interface TenantLease {
  /** why the lock was lost while held (its connection dropped, or its lease ran out and another took it); else null */
  lost(): Error | null;
  release(): Promise<void>;
}

type LockAttempt = { readonly lease: TenantLease } | { readonly holder: LockHolder | null };

/** One writer per tenant across every process that shares the state database. */
export interface TenantLocks {
  /** Takes the tenant's lock for `by` (who starts the run), or says who holds it. */
  tryAcquire(tenantId: string, by: string): Promise<LockAttempt>;
}

/** A second run of a tenant that another process (or this one) is syncing: refused, with who holds it. */
export class TenantBusyError extends Error {
  readonly code = 'Busy';
  constructor(
    readonly tenantName: string,
    readonly holder: LockHolder | null,
  ) {
    super(busyMessage(tenantName, holder));
    this.name = 'TenantBusyError';
  }
}

function clock(iso: string): string {
  const at = new Date(iso);
  const today = new Date().toISOString().slice(0, 10);
  const day = at.toISOString().slice(0, 10);
  return `${day === today ? '' : `${day} `}${at.toISOString().slice(11, 16)} UTC`;
}

/** "Contoso Ltd is being synced by worker (process 4711 on app1) since 10:02 UTC; try again when it ends." */
function busyMessage(tenantName: string, holder: LockHolder | null): string {
  if (holder === null) return `${tenantName} is being synced by another process; try again when it ends.`;
  const where = holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
  return `${tenantName} is being synced by ${holder.by} (${where}) since ${clock(holder.since)}; try again when it ends.`;
}

/** The boot of this machine and this process's pid namespace: two holders with the same `machine` see each other's pids. */
function machineOf(): string {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return `host:${hostname()}`;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const toHolder = (row: Selectable<TenantLockTable>): LockHolder => ({
  by: row.holder,
  pid: Number(row.pid),
  host: row.host,
  since: row.acquired_at,
});

/** Each process's own id, so that a pid reused after a crash is not taken for the holder that died. */
const INSTANCE = crypto.randomUUID();

abstract class RecordedTenantLocks implements TenantLocks {
  protected readonly machine = machineOf();
  protected readonly host = hostname();

  constructor(protected readonly db: Kysely<Database>) {}

  abstract tryAcquire(tenantId: string, by: string): Promise<LockAttempt>;

  protected async holderOf(tenantId: string): Promise<LockHolder | null> {
    const row = await this.db
      .selectFrom('tenant_locks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row === undefined ? null : toHolder(row);
  }

  protected row(tenantId: string, by: string, token: string, expiresAt: string): Selectable<TenantLockTable> {
    return {
      tenant_id: tenantId,
      token,
      holder: by,
      pid: process.pid,
      host: this.host,
      machine: `${this.machine}#${INSTANCE}`,
      acquired_at: new Date().toISOString(),
      expires_at: expiresAt,
    };
  }
}

/**
 * SQLite: the lock is a row of `tenant_locks`, held while its lease is renewed (every third of the lease). A holder
 * that dies stops renewing and loses the lock when the lease runs out; on the same machine a holder whose process is
 * gone loses it at once.
 */
export class LeaseTenantLocks extends RecordedTenantLocks {
  constructor(
    db: Kysely<Database>,
    private readonly leaseMs = 30_000,
  ) {
    super(db);
  }

  private abandoned(row: Selectable<TenantLockTable>): boolean {
    if (row.expires_at < new Date().toISOString()) return true;
    const [machine, instance] = row.machine.split('#');
    if (machine !== this.machine) return false;
    const pid = Number(row.pid);
    // The same pid as this process but another instance: the pid was reused, so that holder is gone.
    if (pid === process.pid) return instance !== INSTANCE;
    return !isAlive(pid);
  }

  async tryAcquire(tenantId: string, by: string): Promise<LockAttempt> {
    const existing = await this.db
      .selectFrom('tenant_locks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (existing !== undefined && this.abandoned(existing))
      await this.db
        .deleteFrom('tenant_locks')
        .where('tenant_id', '=', tenantId)
        .where('token', '=', existing.token)
        .execute();
    const token = crypto.randomUUID();
    const expiry = () => new Date(Date.now() + this.leaseMs).toISOString();
    const inserted = await this.db
      .insertInto('tenant_locks')
      .values(this.row(tenantId, by, token, expiry()))
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return { holder: await this.holderOf(tenantId) };

    let lost: Error | null = null;
    let heldUntil = Date.now() + this.leaseMs;
    const renew = async () => {
      if (lost !== null) return;
      try {
        const result = await this.db
          .updateTable('tenant_locks')
          .set({ expires_at: expiry() })
          .where('tenant_id', '=', tenantId)
          .where('token', '=', token)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0)
          lost = new Error('The lease on this tenant ran out and another process took it; this run stopped writing.');
        else heldUntil = Date.now() + this.leaseMs;
      } catch (error) {
        // A renewal that fails (a busy or full disk) is tried again; past the lease the lock counts as lost.
        if (Date.now() >= heldUntil)
          lost = new Error(`The lease on this tenant could not be renewed: ${(error as Error).message}`, {
            cause: error,
          });
      }
    };
    const timer = setInterval(() => void renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    timer.unref();
    return {
      lease: {
        lost: () => lost ?? (Date.now() >= heldUntil ? new Error('The lease on this tenant ran out.') : null),
        release: async () => {
          clearInterval(timer);
          await this.db
            .deleteFrom('tenant_locks')
            .where('tenant_id', '=', tenantId)
            .where('token', '=', token)
            .execute();
        },
      },
    };
  }
}

/**
 * PostgreSQL: the tenant's advisory lock (held on a connection of its own; PostgreSQL releases it when the holder's
 * connection ends), with the holder recorded in `tenant_locks` so that the busy message can say who it is.
 */
export class AdvisoryTenantLocks extends RecordedTenantLocks {
  constructor(
    private readonly pool: pg.Pool,
    db: Kysely<Database>,
  ) {
    super(db);
  }

  async tryAcquire(tenantId: string, by: string): Promise<LockAttempt> {
    const lock = await tryAdvisoryLock(this.pool, tenantId);
    if (lock === null) return { holder: await this.holderOf(tenantId) };
    const token = crypto.randomUUID();
    try {
      // No lease: PostgreSQL releases the lock when the holder's connection ends.
      const row = this.row(tenantId, by, token, '9999-12-31T23:59:59.999Z');
      const { tenant_id: _id, ...update } = row;
      await this.db
        .insertInto('tenant_locks')
        .values(row)
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet(update))
        .execute();
    } catch (error) {
      await lock.release();
      throw error;
    }
    return {
      lease: {
        lost: lock.lost,
        release: async () => {
          await this.db
            .deleteFrom('tenant_locks')
            .where('tenant_id', '=', tenantId)
            .where('token', '=', token)
            .execute()
            .catch(() => {});
          await lock.release();
        },
      },
    };
  }
}
