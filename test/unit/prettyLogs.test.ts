import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/main/config.js';

const helper = fileURLToPath(new URL('../../scripts/prettyLogs.mjs', import.meta.url));

/** Runs a snippet against scripts/prettyLogs.mjs (plain JS, as `npm run up` runs it) and returns its stdout. */
function run(snippet: string): string {
  const code = `const m = await import(${JSON.stringify(helper)}); ${snippet}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('npm run up logs', () => {
  it('prints pino lines readably through pino-pretty', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2025, 0, 1, 12, 0, 0),
      pid: 1,
      hostname: 'h',
      msg: 'switchboard listening',
      url: 'http://127.0.0.1:3000',
    });
    const out = run(`const s = await m.prettyStream(); s.write(${JSON.stringify(`${line}\n`)}); s.end();`).replace(
      /\x1b\[[0-9;]*m/g,
      '',
    );
    expect(out).toMatch(/INFO.*switchboard listening/);
    expect(out).toContain('url: "http://127.0.0.1:3000"');
    expect(out).not.toContain('"level"');
  });

  it('is pretty only at a terminal outside production', () => {
    const out = run(`console.log(JSON.stringify([
      m.wantsPretty({ isTTY: true }, {}), m.wantsPretty({ isTTY: true }, { NODE_ENV: 'development' }),
      m.wantsPretty({ isTTY: true }, { NODE_ENV: 'production' }), m.wantsPretty({ isTTY: false }, {}), m.wantsPretty({}, {}),
    ]));`);
    expect(JSON.parse(out)).toEqual([true, true, false, false, false]);
  });
});

describe('PUBLIC_URL', () => {
  it('defaults to this machine on the listening port', () => {
    expect(loadEnv({}).PUBLIC_URL).toBe('http://localhost:3000');
    expect(loadEnv({ PORT: '8080' }).PUBLIC_URL).toBe('http://localhost:8080');
    expect(loadEnv({ PORT: '8080', PUBLIC_URL: 'https://chat.example.com' }).PUBLIC_URL).toBe(
      'https://chat.example.com',
    );
  });
});
