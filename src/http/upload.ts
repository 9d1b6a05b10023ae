import { once } from 'node:events';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { Refused } from '../app/errors.js';
import { type FileStore, LOCAL_FILES, newFileId } from '../app/files.js';
import { type FileType, nameFor, SNIFF_BYTES, sniff, TextCheck } from '../domain/files.js';
import type { FileRef } from '../domain/transcript.js';

/** Room for the multipart envelope around the file (boundaries, part headers, a few small fields). */
const ENVELOPE = 64 * 1024;

const megabytes = (n: number): string =>
  n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : `${+(n / 1024).toFixed(1)} KB`;

const refusals = {
  missing: () => Refused.of('file_missing'),
  empty: () => Refused.of('file_empty'),
  tooLarge: (max: number) => Refused.of('file_too_large', { max: megabytes(max) }).with({ maxBytes: max }),
  type: () => Refused.of('file_type'),
  disguised: (name: string) => Refused.of('file_type', { name }, 'file_type.name'),
};

/**
 * One file from a multipart body (field `file`), streamed to the file store as it arrives.
 * Its type is taken from its content (magic bytes, or text checked to the last byte) and
 * must agree with its name; its size is counted as it streams and the upload cut off past
 * `maxBytes`. On any refusal the partial file is removed: nothing is left behind.
 */
export async function receiveFile(
  req: Request,
  store: FileStore,
  sessionId: string,
  maxBytes: number,
): Promise<FileRef> {
  if (!req.is('multipart/form-data')) throw refusals.missing();
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE) throw refusals.tooLarge(maxBytes);

  let bb: busboy.Busboy;
  try {
    // Browsers send file names as UTF-8.
    bb = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { files: 1, fileSize: maxBytes + 1, fields: 5, fieldSize: 1024, parts: 7, headerPairs: 20 },
    });
  } catch {
    throw refusals.missing(); // no boundary, or not multipart after all
  }
  const fileId = newFileId();
  let received: Promise<FileRef> | undefined;
  // The first refusal answers at once, even while the body still streams in.
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);

  bb.on('file', (field, stream, info) => {
    if (field !== 'file' || received) {
      stream.resume();
      return;
    }
    // A part is a file without a name when only its Content-Type says so.
    received = take(stream, info.filename ?? '', store, sessionId, fileId, maxBytes);
    received.catch(fail);
  });
  bb.on('filesLimit', () => fail(refusals.missing()));
  bb.on('partsLimit', () => fail(refusals.missing()));
  bb.on('error', () => fail(refusals.missing()));
  // A client that goes away mid-upload: the parser and the file's reader stop too.
  req.on('close', () => {
    if (!req.complete) bb.destroy();
  });

  const finished = once(bb, 'close');
  req.pipe(bb);
  try {
    await Promise.race([finished, failed]);
    if (!received) throw refusals.missing();
    const file = await Promise.race([received, failed]);
    return file;
  } catch (err) {
    // What was written is gone (a file taken whole before another part was refused, too).
    void received?.then(
      () => store.remove(sessionId, fileId),
      () => undefined,
    );
    throw err instanceof Refused ? err : refusals.missing();
  }
}

async function take(
  stream: Readable & { truncated?: boolean },
  filename: string,
  store: FileStore,
  sessionId: string,
  fileId: string,
  maxBytes: number,
): Promise<FileRef> {
  // The parser says when the file passes maxBytes (listened to before anything is awaited:
  // it may say so at once); the rest of it is dropped as it comes.
  let halted = false;
  const stop = new AbortController();
  const limit = new Promise<never>((_resolve, reject) => {
    stream.once('limit', () => reject(refusals.tooLarge(maxBytes)));
  });
  limit.catch(() => undefined);
  const writer = await store.writer(sessionId, fileId);
  // The bytes before the type is known (fewer than SNIFF_BYTES), for the text check.
  let early: Buffer[] = [];
  let type: FileType | undefined;
  let name: string | undefined;
  let size = 0;
  const text = new TextCheck();
  const decide = (head: Buffer) => {
    type = sniff(head) ?? 'text/plain';
    name = nameFor(filename, type);
    if (name === undefined) throw refusals.disguised(filename);
  };
  const copy = async () => {
    // Not destroyed when we stop: read to the end and dropped, so the parser goes on.
    for await (const raw of stream.iterator({ destroyOnReturn: false })) {
      if (halted) continue;
      const chunk = raw as Buffer;
      size += chunk.length;
      let check = chunk;
      if (!type) {
        early.push(chunk);
        check = Buffer.concat(early);
        if (check.length >= SNIFF_BYTES) {
          decide(check);
          early = [];
        }
      }
      if (type === 'text/plain' && !text.push(check)) throw refusals.type();
      if (!writer.stream.write(chunk)) await once(writer.stream, 'drain', { signal: stop.signal });
    }
    if (stream.truncated || size > maxBytes) throw refusals.tooLarge(maxBytes);
    if (size === 0) throw refusals.empty();
    if (!type) {
      const all = Buffer.concat(early);
      decide(all);
      if (type === 'text/plain' && !text.push(all)) throw refusals.type();
    }
    if (type === 'text/plain' && !text.end()) throw refusals.type();
    writer.stream.end();
    await writer.commit();
  };
  const copying = copy();
  try {
    await Promise.race([copying, limit]);
  } catch (err) {
    halted = true;
    stop.abort();
    // A refusal thrown by the copy left its loop: the rest is drained here.
    copying.catch(() => stream.resume());
    await writer.discard();
    throw err;
  }
  return { id: fileId, name: name!, mimetype: type!, size, platform: LOCAL_FILES };
}
