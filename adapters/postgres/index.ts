import { join } from 'node:path';
import type { Logger } from 'pino';
import { type RecordStore, RecordUnavailable } from '../../src/app/record/port.js';
import { postgresDb } from './connect.js';
import { PgliteRecord } from './pgliteRecord.js';
import { KyselyRecord } from './store.js';

/** Where the record is: PostgreSQL at a URL, or the embedded PostgreSQL in a directory. */
export type RecordTarget = { databaseUrl: string } | { dataDir: string };

/** DATABASE_URL when set, else PGlite's files under DATA_DIR (README "The record"). */
export function openRecord(target: RecordTarget, log: Logger): RecordStore {
  if ('databaseUrl' in target)
    return new KyselyRecord(
      postgresDb(target.databaseUrl, (err) => log.warn({ err: err.message }, 'record: a database connection failed')),
      'postgres',
    );
  return new PgliteRecord(join(target.dataDir, 'pglite'), log);
}

const off = (): Promise<never> => Promise.reject(new RecordUnavailable('no record is kept by this process'));

/** No record (some tests and benches): every call is refused as unavailable. */
export const noRecord: RecordStore = {
  backend: 'none',
  ready: off,
  probe: async () => false,
  cursors: off,
  archive: off,
  chat: off,
  chatByRef: off,
  entries: off,
  rate: off,
  pastChats: off,
  queueReport: off,
  agentReport: off,
  openChats: off,
  chatsOf: off,
  forget: off,
  expire: off,
  createErasure: off,
  erasure: off,
  erasureEmail: off,
  finishErasure: off,
  close: async () => undefined,
};
