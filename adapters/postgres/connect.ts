import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.js';

/** bigint (int8) as a JS number: counts and stream-id milliseconds are far below 2^53. */
const INT8 = 20;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
};

/** PostgreSQL through a pool of connections (DATABASE_URL). */
export function postgresDb(url: string, onError: (err: Error) => void): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types,
    // A database that does not answer fails a query quickly, so callers degrade instead of hanging.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    query_timeout: 60_000,
    application_name: 'switchboard',
  });
  // An idle connection dropped by the server is reported here, not thrown: the pool makes new ones.
  pool.on('error', onError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * The embedded PostgreSQL (PGlite), its files in `dir` (`memory://` keeps them in memory). A
 * new directory is made beside it and renamed into place once whole: a process stopped during
 * the first start (initdb takes seconds) leaves no half-made database behind.
 */
export async function pgliteDb(dir: string): Promise<Kysely<Database>> {
  if (!dir.startsWith('memory://') && !existsSync(join(dir, 'PG_VERSION'))) {
    mkdirSync(dirname(dir), { recursive: true });
    // What a start stopped half-way left.
    for (const f of readdirSync(dirname(dir)))
      if (f.startsWith(`${basename(dir)}.new-`)) rmSync(join(dirname(dir), f), { recursive: true, force: true });
    const making = mkdtempSync(`${dir}.new-`);
    await (await PGlite.create(making)).close();
    rmSync(dir, { recursive: true, force: true });
    renameSync(making, dir);
  }
  const lite = await PGlite.create(dir);
  return new Kysely<Database>({ dialect: new PGliteDialect(lite) });
}
