import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { type RecordStore, RecordUnavailable } from '../../src/app/record/port.js';

/** The store's methods the thread serves (everything but `backend`). */
export const RECORD_METHODS = [
  'ready',
  'probe',
  'cursors',
  'archive',
  'chat',
  'chatByRef',
  'entries',
  'rate',
  'pastChats',
  'queueReport',
  'agentReport',
  'openChats',
  'chatsOf',
  'forget',
  'expire',
  'createErasure',
  'erasure',
  'erasureEmail',
  'finishErasure',
  'close',
] as const satisfies ReadonlyArray<Exclude<keyof RecordStore, 'backend'>>;
type Method = (typeof RECORD_METHODS)[number];
type Args<M extends Method> = Parameters<RecordStore[M]>;
type Result<M extends Method> = Awaited<ReturnType<RecordStore[M]>>;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Starts the thread: the compiled file in production, the TypeScript source (through tsx) in development. */
function startThread(dir: string): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./pgliteHost.js', here), { workerData: { dir } });
  const source = JSON.stringify(new URL('./pgliteHost.ts', here).href);
  return new Worker(`import { register } from 'tsx/esm/api'; register(); await import(${source});`, {
    eval: true,
    workerData: { dir },
  });
}

/**
 * The record on the embedded PostgreSQL (PGlite), in a thread of its own. A thread that dies
 * fails the calls in flight (RecordUnavailable) and is started again by the next call.
 */
export class PgliteRecord implements RecordStore {
  readonly backend = 'pglite' as const;
  private thread: Worker | undefined;
  /** Whether the thread's database is open (its first start makes it, which takes seconds). */
  private opened = false;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  private start(): Worker {
    const w = startThread(this.dir);
    w.on(
      'message',
      (m: { id?: number; ready?: boolean; value?: unknown; error?: { name: string; message: string } }) => {
        if (m.ready) this.opened = true;
        if (m.id === undefined) return;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (!m.error) return p.resolve(m.value);
        p.reject(
          m.error.name === 'RecordUnavailable'
            ? new RecordUnavailable(m.error.message)
            : Object.assign(new Error(m.error.message), { name: m.error.name }),
        );
      },
    );
    const fail = (why: string) => {
      if (this.thread === w) this.thread = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new RecordUnavailable(why));
      }
    };
    w.on('error', (err) => {
      this.log.error({ err }, 'the embedded database thread failed');
      fail(err.message);
    });
    w.on('exit', (code) => fail(`the embedded database thread exited (${code})`));
    return w;
  }

  private call<M extends Method>(method: M, ...args: Args<M>): Promise<Result<M>> {
    if (this.closed) return Promise.reject(new RecordUnavailable('the record is closed'));
    this.thread ??= this.start();
    const id = ++this.seq;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.thread!.postMessage({ id, method, args });
    });
  }

  ready() {
    return this.call('ready');
  }
  probe(timeoutMs: number) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    return Promise.race([this.call('probe', timeoutMs).catch(() => false), late]).finally(() => clearTimeout(timer));
  }
  cursors(...a: Args<'cursors'>) {
    return this.call('cursors', ...a);
  }
  archive(...a: Args<'archive'>) {
    return this.call('archive', ...a);
  }
  chat(...a: Args<'chat'>) {
    return this.call('chat', ...a);
  }
  chatByRef(...a: Args<'chatByRef'>) {
    return this.call('chatByRef', ...a);
  }
  entries(...a: Args<'entries'>) {
    return this.call('entries', ...a);
  }
  rate(...a: Args<'rate'>) {
    return this.call('rate', ...a);
  }
  pastChats(...a: Args<'pastChats'>) {
    return this.call('pastChats', ...a);
  }
  queueReport(...a: Args<'queueReport'>) {
    return this.call('queueReport', ...a);
  }
  agentReport(...a: Args<'agentReport'>) {
    return this.call('agentReport', ...a);
  }
  openChats(...a: Args<'openChats'>) {
    return this.call('openChats', ...a);
  }
  chatsOf(...a: Args<'chatsOf'>) {
    return this.call('chatsOf', ...a);
  }
  forget(...a: Args<'forget'>) {
    return this.call('forget', ...a);
  }
  expire(...a: Args<'expire'>) {
    return this.call('expire', ...a);
  }
  createErasure(...a: Args<'createErasure'>) {
    return this.call('createErasure', ...a);
  }
  erasure(...a: Args<'erasure'>) {
    return this.call('erasure', ...a);
  }
  erasureEmail(...a: Args<'erasureEmail'>) {
    return this.call('erasureEmail', ...a);
  }
  finishErasure(...a: Args<'finishErasure'>) {
    return this.call('finishErasure', ...a);
  }

  /**
   * Closes the database cleanly, waiting at most a few seconds; a thread still making its
   * database is stopped at once (the half-made directory is thrown away on the next start).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    const thread = this.thread;
    if (thread && this.opened) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.call('close').catch(() => undefined),
        new Promise((r) => (timer = setTimeout(r, 5_000))),
      ]);
      clearTimeout(timer);
    }
    this.closed = true;
    await thread?.terminate();
  }
}
