import { AmbiguousError, RetryLaterError } from '../../src/app/ports.js';

/**
 * The HTTP client under botbuilder's ConnectorClient. The pipeline's retry policy would
 * otherwise wait out 429s and retry 5xx inside a delivery (posting twice when the first
 * had been stored). A non-REST error thrown here skips that policy, so the delivery engine
 * (ordered, per destination, durable) does the waiting instead.
 */

/** The two halves of @azure/core-http-compat's `RequestPolicy` contract that we use. */
interface HeadersLike {
  rawHeaders(): Record<string, string>;
}
interface WebResourceLike {
  url: string;
  method: string;
  headers: HeadersLike;
  body?: unknown;
  timeout?: number;
  abortSignal?: AbortSignal;
}

/** Statuses Teams uses for "slow down" (412: a concurrent update): nothing was stored. */
const SLOW_DOWN = new Set([412, 429]);
/** Statuses after which the request may or may not have been stored. */
const UNKNOWN = new Set([408, 500, 502, 503, 504]);

class ResponseHeaders {
  private readonly map = new Map<string, { name: string; value: string }>();
  constructor(h: Headers) {
    h.forEach((value, name) => {
      this.map.set(name.toLowerCase(), { name, value });
    });
  }
  get(name: string) {
    return this.map.get(name.toLowerCase())?.value;
  }
  contains(name: string) {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string | number) {
    this.map.set(name.toLowerCase(), { name, value: String(value) });
  }
  remove(name: string) {
    return this.map.delete(name.toLowerCase());
  }
  rawHeaders() {
    return Object.fromEntries([...this.map.values()].map((h) => [h.name, h.value]));
  }
  headersArray() {
    return [...this.map.values()];
  }
  headerNames() {
    return [...this.map.values()].map((h) => h.name);
  }
  headerValues() {
    return [...this.map.values()].map((h) => h.value);
  }
  toJson(_o?: { preserveCase?: boolean }) {
    return this.rawHeaders();
  }
  clone() {
    const c = new ResponseHeaders(new Headers());
    for (const h of this.map.values()) c.set(h.name, h.value);
    return c;
  }
}

/** Retry-After in seconds or as an HTTP date; undefined when absent, so the outbox backs off with jitter. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export const connectorHttpClient = {
  async sendRequest(req: WebResourceLike) {
    const signals = [
      req.abortSignal,
      req.timeout ? AbortSignal.timeout(req.timeout) : AbortSignal.timeout(30_000),
    ].filter((s): s is AbortSignal => !!s);
    let res: Response;
    try {
      res = await fetch(req.url, {
        method: req.method,
        headers: req.headers.rawHeaders(),
        ...(req.body !== undefined && req.body !== null && req.method !== 'GET' ? { body: req.body as string } : {}),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      throw new AmbiguousError(`Teams connector did not answer: ${(err as Error).message}`);
    }
    const bodyAsText = await res.text().catch(() => '');
    const what = `Teams connector answered ${res.status} for ${req.method} ${new URL(req.url).pathname}`;
    if (SLOW_DOWN.has(res.status)) throw new RetryLaterError(what, retryAfterMs(res.headers.get('retry-after')));
    if (UNKNOWN.has(res.status)) throw new AmbiguousError(what, retryAfterMs(res.headers.get('retry-after')));
    return { request: req, status: res.status, headers: new ResponseHeaders(res.headers), bodyAsText };
  },
};
