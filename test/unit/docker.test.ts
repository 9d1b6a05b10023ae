import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/specs.js';

// No Docker engine in the test environment: these check what can be checked without one.
const read = (f: string) => readFileSync(`${repoRoot}/${f}`, 'utf8');

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  const froms = lines.filter((l) => l.startsWith('FROM '));

  it('is multi-stage on Node 20 LTS (Debian bookworm slim) and runs as a user other than root', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^FROM node:20-bookworm-slim\b/);
    const last = lines.slice(lines.indexOf(froms.at(-1)!));
    expect(last.find((l) => l.startsWith('USER '))).toBe('USER node');
    expect(last.some((l) => l.startsWith('ENV NODE_ENV=production'))).toBe(true);
    expect(last.some((l) => /npm (ci|install)/.test(l))).toBe(false);
  });

  it('copies only files that exist, and starts what npm start starts', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      for (const src of l.split(/\s+/).slice(1, -1)) expect(existsSync(`${repoRoot}/${src}`), l).toBe(true);
    }
    const pkg = JSON.parse(read('package.json')) as { scripts: { start: string } };
    expect(lines.at(-1)).toBe(`CMD ["node", "${pkg.scripts.start.replace(/^node /, '')}"]`);
  });

  it('.dockerignore keeps secrets and local state out of the build', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const p of ['.env', '.git', 'node_modules', '.redis']) expect(ignored).toContain(p);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<
      string,
      {
        command?: string[];
        build?: string;
        environment?: Record<string, unknown>;
        depends_on?: Record<string, { condition: string }>;
        volumes?: string[];
      }
    >;
  };

  it('runs Redis with AOF on and noeviction, and the service against it once it answers', () => {
    const redis = compose.services.redis!;
    const cmd = redis.command!.join(' ');
    expect(cmd).toContain('--appendonly yes');
    expect(cmd).toContain('--appendfsync everysec');
    expect(cmd).toContain('--maxmemory-policy noeviction');
    const app = compose.services.switchboard!;
    expect(app.build).toBe('.');
    expect(app.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(app.depends_on?.redis?.condition).toBe('service_healthy');
    for (const v of app.volumes ?? []) expect(existsSync(`${repoRoot}/${v.split(':')[0]}`), v).toBe(true);
  });

  it('runs PostgreSQL for the record, on a volume, and the service against it once it answers', () => {
    const pg = compose.services.postgres!;
    expect(pg.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    const app = compose.services.switchboard!;
    expect(app.environment?.DATABASE_URL).toMatch(/^postgres:\/\/switchboard:.+@postgres:5432\/switchboard$/);
    expect(app.depends_on?.postgres?.condition).toBe('service_healthy');
  });
});
