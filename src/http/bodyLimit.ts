import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { sendError } from '../app/platformKit/answer.js';

/** Slack and Bot Framework payloads are small; 1 MB is generous. */
export const PLATFORM_BODY_LIMIT = 1024 * 1024;

/**
 * Caps a request body without reading it, so the library that reads it later (Bolt's
 * raw-body, botbuilder's JSON parser) never holds more than `maxBytes`.
 *
 * A declared Content-Length above the cap is refused at once. Otherwise every chunk is
 * counted as it is handed to whoever reads the body (each `data` event, whatever the
 * reading style: listeners, pipe, read()); past the cap the chunk is withheld, the caller
 * gets 413 and the connection is closed. Nothing is buffered here and the stream is left
 * in its mode, so a reader that comes later sees the body as if this were not here.
 */
export function bodyLimit(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) return tooLarge(req, res, maxBytes);
    if (declared === '0' || (declared === undefined && req.headers['transfer-encoding'] === undefined)) return next();

    let seen = 0;
    let over = false;
    const emit = req.emit;
    const counting = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'data') {
        if (over) return false;
        const chunk = args[0];
        seen += Buffer.isBuffer(chunk) ? chunk.length : Buffer.byteLength(String(chunk));
        if (seen > maxBytes) {
          over = true;
          tooLarge(req, res, maxBytes);
          return false;
        }
      }
      return emit.call(this, event, ...args);
    };
    req.emit = counting as typeof req.emit;
    next();
  };
}

/** 413 when the answer has not started, then the connection is closed so the rest of the upload is never read. */
function tooLarge(req: Request, res: Response, maxBytes: number): void {
  const close = () => void req.socket.destroy();
  if (res.headersSent) {
    close();
    return;
  }
  res.set('Connection', 'close');
  res.once('finish', close);
  sendError(res, 413, 'too_large', `The body is larger than ${maxBytes} bytes.`);
}
