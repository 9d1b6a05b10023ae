import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { pgliteDb, postgresDb } from '../../adapters/postgres/connect.js';
import { migrate } from '../../adapters/postgres/migrate.js';
import type { Database } from '../../adapters/postgres/schema.js';
import { backendName, databaseForTests } from '../support/record.js';

/** Instances that start together migrate once: one applies the migrations, the others find them done. */
const t = databaseForTests();

describe(`migrations (${backendName})`, () => {
  it('run once when several instances start at the same moment, and not again on the next start', async () => {
    // Four instances, each with its own connections (PGlite: one process's callers, on its one connection).
    const { db } = t;
    const shared = db.dir ? await pgliteDb(`${db.dir}/pglite`) : undefined;
    const instances: Array<Kysely<Database>> = Array.from(
      { length: 4 },
      () => shared ?? postgresDb(db.url!, () => undefined),
    );
    try {
      const applied = await Promise.all(instances.map((i) => migrate(i)));
      expect(applied.filter((a) => a.length > 0)).toEqual([['0001_record', '0002_wrapup']]);
      expect(applied.flat()).toEqual(['0001_record', '0002_wrapup']);
      const first = instances[0]!;
      const runs = await sql<{ name: string }>`select name from kysely_migration`.execute(first);
      expect(runs.rows.map((r) => r.name)).toEqual(['0001_record', '0002_wrapup']);
      // The schema is whole: every table there, once.
      const tables = await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%' order by table_name`.execute(
        first,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'chat_events',
        'chats',
        'entries',
        'erasures',
        'invites',
        'legs',
        'members',
      ]);
      // A later start finds nothing to do.
      expect(await migrate(first)).toEqual([]);
    } finally {
      await Promise.all([...new Set(instances)].map((i) => i.destroy()));
    }
  }, 60_000);
});
