import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { pgliteDb } from './connect.js';
import { RECORD_METHODS } from './pgliteRecord.js';
import { KyselyRecord } from './store.js';

/**
 * The embedded PostgreSQL's thread: PGlite runs WebAssembly on the thread that calls it, so
 * it lives here, and the service's own event loop (the relay) never waits behind a query.
 * Calls arrive as {id, method, args} and are answered {id, value} or {id, error}.
 */
const Call = z.object({ id: z.number(), method: z.enum(RECORD_METHODS), args: z.array(z.unknown()) });
const port = parentPort!;
const store = new KyselyRecord(await pgliteDb(z.object({ dir: z.string() }).parse(workerData).dir), 'pglite');

port.on('message', (raw: unknown) => {
  const call = Call.parse(raw);
  const method = store[call.method] as (...args: unknown[]) => Promise<unknown>;
  method.apply(store, call.args).then(
    (value) => port.postMessage({ id: call.id, value }),
    (err: Error) => port.postMessage({ id: call.id, error: { name: err.name, message: err.message } }),
  );
});
port.postMessage({ ready: true });
