import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FileStore, FileWriter } from '../../src/app/files.js';

/**
 * The end users' files on disk: FILES_DIR/<chat id>/<file id>. A file is written under a
 * temporary name and renamed when complete, so a half-written file is never served and a
 * refused one leaves nothing. With several instances, FILES_DIR must be storage they share.
 */
export class DiskFiles implements FileStore {
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  // Ids are checked by the callers (session ids and file ids have no / nor ..): still, stay inside.
  private dir(sessionId: string): string {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(sessionId) || /^\.+$/.test(sessionId))
      throw new Error('bad chat id for a file path');
    return join(this.root, sessionId);
  }
  private path(sessionId: string, fileId: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(fileId)) throw new Error('bad file id for a file path');
    return join(this.dir(sessionId), fileId);
  }

  async writer(sessionId: string, fileId: string): Promise<FileWriter> {
    await mkdir(this.dir(sessionId), { recursive: true });
    const final = this.path(sessionId, fileId);
    const part = `${final}.part`;
    const stream = createWriteStream(part, { flags: 'wx' });
    const closed = new Promise<void>((ok) => {
      stream.once('close', ok);
    });
    return {
      stream,
      async commit() {
        await closed;
        await rename(part, final);
      },
      async discard() {
        stream.destroy();
        await closed;
        await unlink(part).catch(() => undefined);
      },
    };
  }

  async open(sessionId: string, fileId: string) {
    const p = this.path(sessionId, fileId);
    const s = await stat(p).catch(() => undefined);
    if (!s?.isFile()) return undefined;
    return { body: createReadStream(p), size: s.size };
  }

  async remove(sessionId: string, fileId: string): Promise<void> {
    await unlink(this.path(sessionId, fileId)).catch(() => undefined);
  }

  async count(sessionId: string): Promise<number> {
    const names = await readdir(this.dir(sessionId)).catch(() => []);
    return names.filter((n) => !n.endsWith('.part')).length;
  }

  async chats(): Promise<Array<{ sessionId: string; changedAt: number }>> {
    const names = await readdir(this.root).catch(() => []);
    const out = await Promise.all(
      names.map(async (n) => {
        const s = await stat(join(this.root, n)).catch(() => undefined);
        return s?.isDirectory() ? { sessionId: n, changedAt: s.mtimeMs } : undefined;
      }),
    );
    return out.filter((x): x is { sessionId: string; changedAt: number } => x !== undefined);
  }

  async removeChat(sessionId: string): Promise<void> {
    await rm(this.dir(sessionId), { recursive: true, force: true });
  }
}
