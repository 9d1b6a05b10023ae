#!/usr/bin/env node
// `npm run up`: install, build, make sure Redis answers (starting a local redis-server if there is one),
// then run the service with directory.example.yaml unless DIRECTORY_FILE says otherwise.
import { execSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { prettyStream, wantsPretty } from './prettyLogs.mjs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const port = Number(redisUrl.port || 6379);
const host = redisUrl.hostname || '127.0.0.1';

const ping = () =>
  new Promise((resolve) => {
    const s = connect(port, host);
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => done(String(d).startsWith('+PONG') || String(d).startsWith('-NOAUTH')));
    s.on('error', () => done(false));
    setTimeout(() => done(false), 1000);
  });

if (!existsSync('node_modules')) run('npm ci --no-audit --no-fund');
run('npm run build');

if (!(await ping())) {
  const local = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const has = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
  if (!local || !has) {
    console.error(`Redis does not answer at ${redisUrl.href}.`);
    if (!has) console.error('Install it with: sudo apt-get install -y redis-server');
    process.exit(1);
  }
  console.log(`starting redis-server on ${host}:${port}`);
  // The store of record: AOF every second, never evict (docs/adr/0002-redis-scripts.md).
  run('mkdir -p .redis');
  run(
    `redis-server --daemonize yes --bind 127.0.0.1 --port ${port} --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --dir ${process.cwd()}/.redis --logfile ${process.cwd()}/.redis/redis.log`,
  );
  for (let i = 0; i < 50 && !(await ping()); i++) await new Promise((r) => setTimeout(r, 100));
}

const env = {
  ...process.env,
  DIRECTORY_FILE:
    process.env.DIRECTORY_FILE ?? (existsSync('directory.yaml') ? 'directory.yaml' : 'directory.example.yaml'),
};
// At a terminal (and not in production) the service's JSON logs are printed readably.
const pretty = wantsPretty() ? await prettyStream() : undefined;
const child = spawn(process.execPath, ['dist/src/main/main.js'], {
  stdio: ['inherit', pretty ? 'pipe' : 'inherit', 'inherit'],
  env,
});
if (pretty) child.stdout.pipe(pretty);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
// 'close' comes after the child's output has been read to its end.
child.on('close', (code) => process.exit(code ?? 0));
