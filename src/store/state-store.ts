import type { Kysely } from 'kysely';
import { apiTokenRepository } from './api-token-repository.ts';
import { attemptRepository } from './attempt-repository.ts';
import { auditRepository } from './audit-repository.ts';
import { conflictRepository } from './conflict-repository.ts';
import { directoryRepository } from './directory-repository.ts';
import { journalRepository } from './journal-repository.ts';
import { linkRepository } from './link-repository.ts';
import { loginRepository } from './login-repository.ts';
import { metricRepository } from './metric-repository.ts';
import { personHistoryRepository } from './person-history-repository.ts';
import { resultRepository } from './result-repository.ts';
import { runRepository } from './run-repository.ts';
import type { Database } from './schema.ts';
import { settingsRepository } from './settings-repository.ts';
import { TARGETS_BEFORE_ROWS } from './migrations/0015-targets-as-rows.ts';
import { storeContext, type StoreContext, type StoreTargets } from './store-context.ts';
import { tenantRepository } from './tenant-repository.ts';

export { SecondCreateError } from './journal-repository.ts';
export type { StoreTargets } from './store-context.ts';

/** Every repository over one database (or one transaction), as one object of methods. */
function repositories(context: StoreContext) {
  return {
    ...tenantRepository(context),
    ...settingsRepository(context),
    ...directoryRepository(context),
    ...linkRepository(context),
    ...runRepository(context),
    ...journalRepository(context),
    ...resultRepository(context),
    ...personHistoryRepository(context),
    ...conflictRepository(context),
    ...loginRepository(context),
    ...apiTokenRepository(context),
    ...attemptRepository(context),
    ...metricRepository(context),
    ...auditRepository(context),
  };
}

type Repositories = ReturnType<typeof repositories>;

/** The database (or transaction) a store works over, with every repository's methods as its own. */
const StoreOver = class {
  /** `targets`: the installation's, by role; by default those of the databases made before targets were rows */
  constructor(
    readonly db: Kysely<Database>,
    readonly targets: StoreTargets = TARGETS_BEFORE_ROWS,
  ) {
    Object.assign(this, repositories(storeContext(db, targets)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
} as new (
  db: Kysely<Database>,
  targets?: StoreTargets,
) => Repositories & { readonly db: Kysely<Database>; readonly targets: StoreTargets; close(): Promise<void> };

/**
 * contactsync's state: tenants and their mapping, versioned settings, the directory snapshot and delta checkpoint,
 * links, runs, the write journal, per-user results, the conflicts queue, logins and the audit log, one repository
 * per concept. SQL only: it knows no API.
 */
export class StateStore extends StoreOver {
  /**
   * Runs `work` with a store whose every write is part of one transaction: all of them are kept, or, when `work`
   * throws, none. Within a transaction already, `work` joins it.
   */
  transaction<T>(work: (tx: StateStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((tx) => work(new StateStore(tx, this.targets)));
  }
}
