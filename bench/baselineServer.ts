/**
 * The baseline for the relay bench: the least a relay can do. It accepts the same
 * POST /api/v1/sessions/:id/messages, forwards `{sessionId, seq}` to the same fake
 * endpoint over keep-alive, then answers 202. No store, no queue, no auth.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seqOf } from './httpPlatform.js';
import { postJson } from './util.js';

const sink = new URL(process.env.BENCH_SINK_URL ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const route = /^\/api\/v1\/sessions\/([A-Za-z0-9_-]+)\/messages$/;

const server = http.createServer((req, res) => {
  const m = req.method === 'POST' ? route.exec(req.url ?? '') : null;
  if (!m) return void res.writeHead(404).end();
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
      const r = await postJson(agent, sink, '/deliver', { sessionId: m[1], seq: seqOf(text) });
      res.writeHead(r.status < 300 ? 202 : 502, { 'content-type': 'application/json' }).end('{}');
    } catch {
      res.writeHead(502).end();
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
