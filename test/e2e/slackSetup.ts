import type { RecordTarget } from '../../adapters/postgres/index.js';
import { slackModule } from '../../adapters/slack/index.js';
import type { Directory } from '../../src/domain/directory.js';
import { loadEnv } from '../../src/main/config.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { type Harness, startHarness } from '../support/harness.js';
import { SIGNING_SECRET, SlackRequests } from '../support/slackRequests.js';

export interface SlackWorld {
  fake: FakeSlack;
  h: Harness;
  slack: SlackRequests;
  stop(): Promise<void>;
}

/** The whole service with the real Bolt app, its Web API calls going to a local fake Slack. */
export async function startSlackWorld(
  env: Record<string, string> = {},
  directory?: Directory,
  o: { record?: RecordTarget } = {},
): Promise<SlackWorld> {
  const fake = await FakeSlack.start();
  const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.url };
  const h = await startHarness({
    env: { ...slackEnv, ...env },
    platforms: [slackModule(loadEnv(slackEnv))],
    recording: false,
    ...(directory ? { directory } : {}),
    ...(o.record ? { record: o.record, historyLookupMs: 5_000 } : {}),
  });
  return {
    fake,
    h,
    slack: new SlackRequests(h.url),
    async stop() {
      await h.stop();
      await fake.close();
    },
  };
}
