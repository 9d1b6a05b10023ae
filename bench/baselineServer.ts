/**
 * The baseline: the least a relay can do. It accepts the same
 * POST /api/v1/sessions/:id/messages, forwards the line to the same sink over keep-alive
 * (to the destination the bench names in `x-bench-dest`), then answers 202, or 502 when
 * the sink refused. No store, no queue, no auth, no pacing. BASELINE_RETRIES: how many
 * times a failed post is sent again, at once and blindly (no read-back).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seqsOf } from './httpPlatform.js';
import { postJson, readJson, serveChild } from './util.js';

const sink = new URL(process.env.BENCH_SINK_URL ?? 'http://127.0.0.1:1');
const retries = Number(process.env.BASELINE_RETRIES ?? 0);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const route = /^\/api\/v1\/sessions\/([A-Za-z0-9._-]+)\/messages$/;
let posts = 0;

async function forward(sessionId: string, dest: string, text: string): Promise<boolean> {
  const post = { dest, sessionId, deliveryId: `base-${++posts}`, seqs: seqsOf(text) };
  for (let attempt = 0; attempt <= retries; attempt++) {
    const r = await postJson(agent, sink, '/post', post).catch(() => undefined);
    if (r && r.status < 300) return true;
  }
  return false;
}

const server = http.createServer((req, res) => {
  const m = req.method === 'POST' ? route.exec(req.url ?? '') : null;
  if (!m) return void res.writeHead(404).end();
  const dest = String(req.headers['x-bench-dest'] ?? '');
  readJson<{ text: string }>(req)
    .then(({ text }) => forward(m[1]!, dest, text))
    .then(
      (ok) => res.writeHead(ok ? 202 : 502, { 'content-type': 'application/json' }).end('{}'),
      () => res.writeHead(400).end(),
    );
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => serveChild(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
