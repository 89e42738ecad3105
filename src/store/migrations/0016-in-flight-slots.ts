import { PostgresAdapter, type Kysely, type Migration } from 'kysely';

/** The requests every worker has in flight under a thread limit, a leased row each (scale-out: PostgreSQL only). */
export const inFlightSlots: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await db.schema
      .createTable('in_flight_slots')
      .ifNotExists()
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('in_flight_slots_pk', ['key', 'slot'])
      .execute();
  },
};
