import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import * as record from './migrations/0001_record.js';
import * as wrapup from './migrations/0002_wrapup.js';
import type { Database } from './schema.js';

/** Every migration, in order; a new one is a new file here, never an edit of an old one. */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_record': record,
  '0002_wrapup': wrapup,
};

/** Any fixed number: the key of the advisory lock the instances migrate under. */
const MIGRATION_LOCK = 727_274_018;

/**
 * Brings the schema to the latest version. Instances that start together migrate once: each
 * takes a session advisory lock on one connection, and the first to get it migrates while
 * the others wait and then find nothing to do (Kysely's migrator also locks, per transaction).
 * Returns the migrations this call applied.
 */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    try {
      const migrator = new Migrator({ db: conn, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    }
  });
}
