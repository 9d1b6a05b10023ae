import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openRecord } from '../../adapters/postgres/index.js';
import type { ChatSnapshot, RecordStore } from '../../src/app/record/port.js';
import { backendName, databaseForTests } from '../support/record.js';
import { KILLED, madeUpChats } from '../support/recordWriter.js';

/** Each entry is written once however often, by however many writers, and after a writer killed mid-transaction. */
const quiet = pino({ level: 'silent' });

/** Rows per chat, and the report's counts over these chats alone (the two tests share a database). */
async function counts(record: RecordStore, chats: ChatSnapshot[]) {
  const entries = await Promise.all(chats.map(async (c) => (await record.entries(c.session.id)).length));
  const first = chats[0]!.session.createdAt;
  const only = { from: first, to: chats.at(-1)!.session.createdAt + 60_000 };
  const [queue] = await record.queueReport(only);
  const [agent] = await record.agentReport(only);
  return { entries, offered: queue?.offered ?? 0, answered: agent?.answered ?? 0 };
}
const expected = (chats: ChatSnapshot[]) => ({
  entries: chats.map((c) => c.entries.length),
  offered: chats.length,
  answered: chats.length,
});

describe(`archive idempotence (${backendName})`, () => {
  const t = databaseForTests();

  it('leaves one row per entry after replays and two writers racing, in any order and in overlapping slices', async () => {
    // PGlite is one process's: its two writers are two callers of one store (its thread takes them in turn).
    const a = openRecord(t.db.target, quiet);
    const b = t.db.url ? openRecord(t.db.target, quiet) : a;
    try {
      await Promise.all([a.ready(), b.ready()]);
      const chats = madeUpChats(6, 40);
      const cut = (s: ChatSnapshot, from: number, to?: number): ChatSnapshot => ({
        ...s,
        entries: s.entries.slice(from, to),
      });
      await Promise.all([
        a.archive(chats),
        b.archive(chats.map((c) => cut(c, 0, 20))),
        b.archive([...chats].reverse()),
        a.archive(chats.map((c) => cut(c, 10))),
        b.archive(chats),
      ]);
      // And again, later: a replay after a crash between the commit and the claim's release.
      await a.archive(chats);
      expect(await counts(a, chats)).toEqual(expected(chats));
      const cursors = await a.cursors(chats.map((c) => c.session.id));
      for (const c of chats) expect(cursors[c.session.id]).toEqual({ through: c.entries.at(-1)!.id, rev: 3 });
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  }, 60_000);

  it('leaves one row per entry after a writer is killed (kill -9) in the middle of its transaction', async () => {
    const chats = madeUpChats(20, 2000, KILLED);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/recordWriter.ts', import.meta.url))],
      {
        env: { ...process.env, RECORD_TARGET: JSON.stringify(t.db.target), CHATS: '20', MESSAGES: '2000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const said: string[] = [];
    const writing = new Promise<void>((resolve) =>
      createInterface({ input: child.stdout! }).on('line', (l) => {
        said.push(l);
        if (l === 'writing') resolve();
      }),
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await writing;
    // 40,000 entries in one transaction: it is still being written 150 ms after it began.
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(said).toEqual(['writing']);

    const record = openRecord(t.db.target, quiet);
    try {
      await record.ready();
      // All or nothing of the killed transaction...
      const after = await counts(record, chats);
      expect([0, 2004]).toContain(after.entries[0]);
      expect(new Set(after.entries).size).toBe(1);
      // ...and the next writer finishes the work, each entry once.
      await record.archive(chats);
      await record.archive(chats.slice(5, 10));
      expect(await counts(record, chats)).toEqual(expected(chats));
    } finally {
      await record.close();
    }
  }, 120_000);
});
