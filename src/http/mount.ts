import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { type Auth, OPERATIONS, type Operation, type OperationId } from './routes.js';

type Op<Id extends OperationId> = (typeof OPERATIONS)[Id];
type BodyOf<Id extends OperationId> = Op<Id> extends { body: infer S extends z.ZodType } ? z.output<S> : never;
type QueryOf<Id extends OperationId> = Op<Id> extends { query: infer S extends z.ZodType } ? z.output<S> : never;

/** One request to one operation, as its handler gets it. */
export interface Call<Id extends OperationId> {
  req: Request;
  res: Response;
  /**
   * The JSON body, checked with the operation's schema (a ZodError answers 400). A call,
   * not a field: the handler reads it where it always did (after the token, for the routes
   * that check one first), so what a bad request is answered does not change.
   */
  body: () => BodyOf<Id>;
  /** The query, checked with the operation's schema. */
  query: () => QueryOf<Id>;
}

export type Handler<Id extends OperationId> = (call: Call<Id>) => unknown;

/** Exactly one handler per operation of the table: TypeScript refuses one missing or one too many. */
export type Handlers = { [Id in OperationId]: Handler<Id> };

type AnyCall = { req: Request; res: Response; body: () => unknown; query: () => unknown };

/**
 * Mounts every operation of the table on `r`, in the table's order, behind the gate its
 * `auth` names (when there is one; a token is checked by the handler, which needs the chat).
 */
export function mountOperations(r: Router, handlers: Handlers, gates: Partial<Record<Auth, RequestHandler>>): void {
  for (const [id, op] of Object.entries(OPERATIONS) as Array<[OperationId, Operation]>) {
    const handle = handlers[id] as (call: AnyCall) => unknown;
    const { body, query } = op;
    const run: RequestHandler = async (req, res) => {
      await handle({
        req,
        res,
        body: () => (body ? body.parse(req.body ?? {}) : undefined),
        query: () => (query ? query.parse(req.query) : undefined),
      });
    };
    const gate = gates[op.auth];
    if (gate) r[op.method](op.path, gate, run);
    else r[op.method](op.path, run);
  }
}
