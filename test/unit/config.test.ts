import { describe, expect, it } from 'vitest';
import { ConfigError, loadDirectory, loadEnv, parseDirectory } from '../../src/main/config.js';
import { repoRoot } from '../support/specs.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';

describe('environment', () => {
  it('has the documented defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', REDIS_PREFIX: 'sb', INVITE_TTL_SECONDS: 120, INVITE_MAX_RESENDS: 3, SLACK_COMMAND: '/chat', slackEnabled: false, teamsEnabled: false, API_KEYS: [] });
  });
  it('names every bad variable in one message', () => {
    let message = '';
    try {
      loadEnv({ PORT: 'eighty', INVITE_TTL_SECONDS: '-1', SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'http://x' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const name of ['PORT', 'INVITE_TTL_SECONDS', 'SLACK_SIGNING_SECRET', 'REDIS_URL']) expect(message).toContain(name);
  });
  it('enables Teams with an app id and splits API keys', () => {
    const env = loadEnv({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', API_KEYS: 'a, b,' });
    expect(env.teamsEnabled).toBe(true);
    expect(env.API_KEYS).toEqual(['a', 'b']);
    expect(loadEnv({ TEAMS_ENABLED: 'true' }).teamsEnabled).toBe(true);
  });
});

describe('directory file', () => {
  it('loads the example', async () => {
    const d = await loadDirectory(`${repoRoot}/directory.example.yaml`, DIRECTORY_SECTIONS);
    expect(d.queues.map((q) => q.id)).toContain('it-support');
    expect(d.agent('carol')?.roles).toContain('supervisor');
  });
  it('names the file, the path and the expectation of every problem', () => {
    const yaml = 'queues:\n  - id: Bad Id\n    name: x\nagents:\n  - id: a\n    firstName: A\n    lastName: B\n    email: nope\n    queues: [ghost]\n';
    expect(() => parseDirectory(yaml, 'dir.yaml', DIRECTORY_SECTIONS)).toThrow(/dir\.yaml[\s\S]*queues\.0\.id[\s\S]*agents\.0\.email[\s\S]*/);
    try {
      parseDirectory(yaml, 'dir.yaml', DIRECTORY_SECTIONS);
    } catch (err) {
      expect((err as Error).message).toContain('agents.0.queues.0: unknown queue "ghost"');
    }
  });
  it('reads JSON too, and reports broken syntax', () => {
    expect(parseDirectory('{"queues":[{"id":"q","name":"Q"}]}', 'd.json', DIRECTORY_SECTIONS).queue('q')?.name).toBe('Q');
    expect(() => parseDirectory('queues: [', 'd.yaml', DIRECTORY_SECTIONS)).toThrow(ConfigError);
  });
});
