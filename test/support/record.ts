import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { RecordTarget } from '../../adapters/postgres/index.js';
import { type Harness, json, startHarness, waitFor } from './harness.js';

/**
 * A database of its own for a test file: on the PostgreSQL server at TEST_DATABASE_URL
 * (CREATE DATABASE, dropped after), or else a fresh PGlite in a temporary directory.
 * `.ci/run` runs the record's tests both ways.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const backendName = TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

export interface TestDatabase {
  target: RecordTarget;
  /** The database's URL (PostgreSQL only). */
  url?: string;
  /** PGlite's data directory (PGlite only). */
  dir?: string;
  drop(): Promise<void>;
}

/** PGlite's first start runs initdb (seconds of CPU): made once per machine, then copied. */
async function pgliteTemplate(): Promise<string> {
  const pkg = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  const template = join(tmpdir(), `sb-pglite-template-${version}`);
  if (existsSync(template)) return template;
  const making = mkdtempSync(join(tmpdir(), 'sb-pglite-making-'));
  const db = await PGlite.create(join(making, 'pglite'));
  await db.close();
  try {
    renameSync(making, template);
  } catch {
    rmSync(making, { recursive: true, force: true }); // another test file made it first
  }
  return template;
}

export async function testDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_URL) {
    const name = `sbt_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      target: { databaseUrl: url.href },
      url: url.href,
      async drop() {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'sb-record-'));
  cpSync(await pgliteTemplate(), dir, { recursive: true });
  return { target: { dataDir: dir }, dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database of its own for the test file (or describe block): made before its tests, dropped after them. */
export function databaseForTests(): { readonly db: TestDatabase } {
  let made: TestDatabase | undefined;
  beforeAll(async () => {
    made = await testDatabase();
  }, 60_000);
  afterAll(async () => {
    await made?.drop();
  });
  return {
    get db() {
      return made!;
    },
  };
}

/** A whole service with a record of its own (see startHarness). */
export async function startRecordHarness(
  o: Parameters<typeof startHarness>[0] = {},
): Promise<{ h: Harness; db: TestDatabase; stop(): Promise<void> }> {
  const db = await testDatabase();
  // A machine busy with other tests may take longer than production's 250 ms to say who chatted before.
  const h = await startHarness({ historyLookupMs: 5_000, ...o, record: db.target });
  await h.service.ctx.record.ready();
  return {
    h,
    db,
    async stop() {
      await h.stop();
      await db.drop();
    },
  };
}

/** Waits until the archive has caught up with everything Redis committed. */
export async function archived(h: Harness, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => (await h.service.ctx.archive.backlog()) === 0, timeoutMs, 'the archive to catch up');
}

export interface RecordWorld {
  h: Harness;
  /** A call to /api/v1 (`init` as json's). */
  api(path: string, init?: Parameters<typeof json>[1]): ReturnType<typeof json>;
  /** An integration's agent action on a chat (API key). */
  agent(sessionId: string, path: string, body: Record<string, unknown>): ReturnType<typeof json>;
}

/** A service with a record of its own for the test file: started before its tests, stopped after them. */
export function recordWorld(o: Parameters<typeof startHarness>[0] = {}): RecordWorld {
  let started: Awaited<ReturnType<typeof startRecordHarness>> | undefined;
  beforeAll(async () => {
    started = await startRecordHarness(o);
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
  const w: RecordWorld = {
    get h() {
      return started!.h;
    },
    api: (path, init = {}) => json(`${w.h.url}/api/v1${path}`, init),
    agent: (sessionId, path, body) =>
      w.api(`/sessions/${sessionId}/${path}`, { method: 'POST', apiKey: 'test-key', body }),
  };
  return w;
}
