import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { AmbiguousError, RetryLaterError } from '../../src/app/ports.js';
import { startSlackWorld } from '../e2e/slackSetup.js';
import { testDirectory } from '../support/harness.js';
import { startTeamsWorld } from '../support/teamsWorld.js';
import { conformance } from './platformPort.js';

conformance("Slack (Bolt's WebClient against the fake Web API)", async () => {
  const w = await startSlackWorld();
  const dir = w.h.service.ctx.directory.get();
  return {
    port: w.h.service.ctx.platforms.find((p) => p.id === 'slack')!,
    queue: dir.queue('it-support')!,
    agent: dir.agent('alice')!,
    rateLimitNext: (retryAfter) => w.fake.failNext('chat.postMessage', { status: 429, retryAfter }),
    failNextAmbiguously: () => w.fake.failNext('chat.postMessage', { status: 500 }),
    shown: async (ref) => {
      const m = w.fake.message(ref.channel!, ref.ts!);
      return m ? JSON.stringify(m.blocks ?? m.text) : undefined;
    },
    stop: () => w.stop(),
  };
});

conformance("Teams (botbuilder's connector client against the fake connector)", async () => {
  const w = await startTeamsWorld();
  const dir = w.h.service.ctx.directory.get();
  return {
    port: w.h.service.ctx.platforms.find((p) => p.id === 'teams')!,
    queue: dir.queue('it-support')!,
    agent: dir.agent('alice')!,
    rateLimitNext: (retryAfter) => w.fake.failNext({ status: 429, retryAfter }),
    failNextAmbiguously: () => w.fake.failNext({ status: 502 }),
    shown: async (ref) => {
      const activity = w.fake.activities.get(ref.conversationId!)?.get(ref.activityId!) as unknown;
      return activity ? JSON.stringify(activity) : undefined;
    },
    stop: () => w.stop(),
  };
});

conformance('the recording platform', async () => {
  const port = new RecordingPlatform();
  const dir = testDirectory();
  return {
    port,
    queue: dir.queue('it-support')!,
    agent: dir.agent('alice')!,
    rateLimitNext: (retryAfter) => {
      port.failWith = () => new RetryLaterError('slow down', retryAfter * 1000);
      port.failTimes = 1;
    },
    failNextAmbiguously: () => {
      port.failWith = () => new AmbiguousError('no answer');
      port.failTimes = 1;
    },
    stop: async () => {},
  };
});
