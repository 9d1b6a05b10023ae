import { describe, expect, it } from 'vitest';
import { ConfigError, loadDirectory, loadEnv, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { repoRoot } from '../support/specs.js';

describe('environment', () => {
  it('has the documented defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      REDIS_PREFIX: 'sb',
      INVITE_TTL_SECONDS: 120,
      INVITE_MAX_RESENDS: 3,
      SLACK_COMMAND: '/chat',
      slackEnabled: false,
      teamsEnabled: false,
      API_KEYS: [],
    });
  });
  it('names every bad variable in one message', () => {
    let message = '';
    try {
      loadEnv({ PORT: 'eighty', INVITE_TTL_SECONDS: '-1', SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'http://x' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const name of ['PORT', 'INVITE_TTL_SECONDS', 'SLACK_SIGNING_SECRET', 'REDIS_URL'])
      expect(message).toContain(name);
  });
  it('enables Teams with an app id and splits API keys', () => {
    const env = loadEnv({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', API_KEYS: 'a, b,' });
    expect(env.teamsEnabled).toBe(true);
    expect(env.API_KEYS).toEqual(['a', 'b']);
    expect(loadEnv({ TEAMS_ENABLED: 'true' }).teamsEnabled).toBe(true);
  });
});

describe('installs (README "Install into several workspaces")', () => {
  const oauth = {
    SLACK_CLIENT_ID: '1111.2222',
    SLACK_CLIENT_SECRET: 's',
    SLACK_STATE_SECRET: 'state-secret-16ch',
    INSTALLATION_KEY: 'k'.repeat(32),
    SLACK_SIGNING_SECRET: 'x',
  };
  it('enables Slack with a client id, and reads the allow-lists', () => {
    const env = loadEnv({ ...oauth, SLACK_ALLOWED_TEAMS: 'T0A, E0ORG', TEAMS_ALLOWED_TENANTS: 'tenant-1,tenant-2' });
    expect(env.slackEnabled).toBe(true);
    expect(env.SLACK_ALLOWED_TEAMS).toEqual(['T0A', 'E0ORG']);
    expect(env.TEAMS_ALLOWED_TENANTS).toEqual(['tenant-1', 'tenant-2']);
    expect(env.SLACK_TOKEN_ROTATION).toBe(true);
  });
  it('names what an OAuth setup lacks, a token beside it, and bad ids', () => {
    const problems = (e: Record<string, string>) => {
      try {
        loadEnv(e);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const lacking = problems({ SLACK_CLIENT_ID: '1111.2222' });
    for (const name of ['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'INSTALLATION_KEY', 'SLACK_SIGNING_SECRET'])
      expect(lacking).toContain(name);
    expect(problems({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' })).toContain('SLACK_BOT_TOKEN');
    expect(problems({ ...oauth, SLACK_ALLOWED_TEAMS: 'T0A,acme' })).toMatch(/SLACK_ALLOWED_TEAMS.*"acme"/);
    expect(problems({ ...oauth, INSTALLATION_KEY: 'short' })).toContain('INSTALLATION_KEY');
  });
  it('lets a queue name its workspace and an agent theirs', () => {
    const d = parseDirectory(
      'queues:\n  - { id: q, name: Q, slack: { team: T0A, channel: C0A } }\nagents:\n  - { id: a, firstName: A, lastName: B, email: a@x.io, slack: { team: T0A } }\n',
      'd.yaml',
      DIRECTORY_SECTIONS,
    );
    expect(d.queue('q')?.settings.slack).toEqual({ team: 'T0A', channel: 'C0A' });
    expect(() =>
      parseDirectory(
        'queues:\n  - { id: q, name: Q, slack: { team: acme, channel: C0A } }\n',
        'd.yaml',
        DIRECTORY_SECTIONS,
      ),
    ).toThrow(/queues\.0\.slack\.team/);
  });
});

describe('directory file', () => {
  it('loads the example', async () => {
    const d = await loadDirectory(`${repoRoot}/directory.example.yaml`, DIRECTORY_SECTIONS);
    expect(d.queues.map((q) => q.id)).toContain('it-support');
    expect(d.agent('carol')?.roles).toContain('supervisor');
  });
  it('names the file, the path and the expectation of every problem', () => {
    const yaml =
      'queues:\n  - id: Bad Id\n    name: x\nagents:\n  - id: a\n    firstName: A\n    lastName: B\n    email: nope\n    queues: [ghost]\n';
    expect(() => parseDirectory(yaml, 'dir.yaml', DIRECTORY_SECTIONS)).toThrow(
      /dir\.yaml[\s\S]*queues\.0\.id[\s\S]*agents\.0\.email[\s\S]*/,
    );
    try {
      parseDirectory(yaml, 'dir.yaml', DIRECTORY_SECTIONS);
    } catch (err) {
      expect((err as Error).message).toContain('agents.0.queues.0: unknown queue "ghost"');
    }
  });
  it('reads JSON too, and reports broken syntax', () => {
    expect(parseDirectory('{"queues":[{"id":"q","name":"Q"}]}', 'd.json', DIRECTORY_SECTIONS).queue('q')?.name).toBe(
      'Q',
    );
    expect(() => parseDirectory('queues: [', 'd.yaml', DIRECTORY_SECTIONS)).toThrow(ConfigError);
  });
});
