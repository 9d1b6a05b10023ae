import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { FileRef } from '../domain/transcript.js';

/** Files Switchboard holds itself (an end user's uploads), as FileRef.platform. */
export const LOCAL_FILES = 'switchboard';
/** How long a signed download link (for agents) opens its file. */
export const FILE_LINK_SECONDS = 7 * 86_400;
/** Files one chat may hold: each is at most MAX_FILE_BYTES, and the disk is not endless. */
export const MAX_FILES_PER_CHAT = 20;

export const newFileId = (): string => randomBytes(16).toString('base64url');

/** A new file being written: committed (kept) or discarded (nothing left behind). */
export interface FileWriter {
  stream: Writable;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Where the end users' files are kept (FILES_DIR on disk). */
export interface FileStore {
  writer(sessionId: string, fileId: string): Promise<FileWriter>;
  open(sessionId: string, fileId: string): Promise<{ body: Readable; size: number } | undefined>;
  remove(sessionId: string, fileId: string): Promise<void>;
  /** How many files a chat holds. */
  count(sessionId: string): Promise<number>;
  /** The chats that hold files, with the time their folder last changed. */
  chats(): Promise<Array<{ sessionId: string; changedAt: number }>>;
  removeChat(sessionId: string): Promise<void>;
}

/**
 * Signed, expiring download links: how agents open a chat's files (never with the end
 * user's token). An HMAC of the chat, the file and the expiry, with a secret every instance
 * shares (kept in Redis, made once).
 */
export class FileLinks {
  private key: Buffer | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly publicUrl: string,
    private readonly loadSecret: () => Promise<string>,
    private readonly now: () => number,
  ) {}

  /** Loads the shared secret (once); signing and checking need it. */
  ready(): Promise<void> {
    if (this.key) return Promise.resolve();
    this.loading ??= this.loadSecret()
      .then((s) => {
        this.key = Buffer.from(s, 'base64url');
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private sign(sessionId: string, fileId: string, exp: number): string {
    if (!this.key) {
      // Callers wait for ready() first; should one not, the next try finds the secret loaded.
      void this.ready().catch(() => undefined);
      throw new Error('file link secret not loaded yet');
    }
    return createHmac('sha256', this.key).update(`${sessionId}\n${fileId}\n${exp}`).digest('base64url');
  }

  /** The download link of a chat's file for agents, valid FILE_LINK_SECONDS. The only place this path is written. */
  url(sessionId: string, file: Pick<FileRef, 'id'>): string {
    const exp = Math.floor(this.now() / 1000) + FILE_LINK_SECONDS;
    const base = this.publicUrl.replace(/\/+$/, '');
    return `${base}/api/v1/sessions/${encodeURIComponent(sessionId)}/files/${encodeURIComponent(file.id)}?exp=${exp}&sig=${this.sign(sessionId, file.id, exp)}`;
  }

  /** Whether a link's signature is ours and it has not expired. */
  async verify(sessionId: string, fileId: string, exp: unknown, sig: unknown): Promise<'ok' | 'expired' | 'bad'> {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'bad';
    await this.ready();
    const want = Buffer.from(this.sign(sessionId, fileId, Number(exp)));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad';
    return Number(exp) * 1000 < this.now() ? 'expired' : 'ok';
  }
}

/**
 * Removes the files of chats that no longer exist (a chat's keys expire 30 days after it
 * ends): their folders, once untouched for a while (a chat being created has no keys yet
 * for a moment). Returns the chats whose files went.
 */
export async function sweepFiles(
  store: FileStore,
  exists: (sessionId: string) => Promise<boolean>,
  untouchedSince: number,
): Promise<string[]> {
  const gone: string[] = [];
  for (const c of await store.chats()) {
    if (c.changedAt > untouchedSince || (await exists(c.sessionId))) continue;
    await store.removeChat(c.sessionId);
    gone.push(c.sessionId);
  }
  return gone;
}

/** What the use cases need of files. */
export interface Files {
  store: FileStore;
  links: FileLinks;
  maxBytes: number;
}
