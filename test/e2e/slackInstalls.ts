import { slackModule } from '../../adapters/slack/index.js';
import { loadEnv } from '../../src/main/config.js';
import { type FakeInstall, FakeSlack } from '../support/fakeSlack.js';
import { type Harness, startHarness, testDirectory } from '../support/harness.js';
import { SIGNING_SECRET, SlackRequests } from '../support/slackRequests.js';

/** The app's OAuth settings in these tests (README "Install into several workspaces"). */
export const OAUTH_ENV = {
  SLACK_CLIENT_ID: '1111.2222',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret-for-tests',
  INSTALLATION_KEY: 'installation-key-for-tests-0123456789abcdef',
};

export interface InstallWorld {
  fake: FakeSlack;
  h: Harness;
  /** Signed requests from a workspace (and its organisation). */
  from(team: string, enterprise?: string): SlackRequests;
  /** "Add to Slack" as an admin clicks it: /slack/install, then Slack's redirect with the code. */
  install(code: string, install: FakeInstall): Promise<OAuthRun>;
  stop(): Promise<void>;
}

export interface OAuthRun {
  status: number;
  text: string;
  state: string;
  cookie: string;
}

/** Starts the flow: the redirect to Slack (its state) and the state cookie. */
export async function startInstall(
  base: string,
): Promise<{ status: number; location: string; state: string; cookie: string }> {
  const res = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  await res.arrayBuffer();
  const location = res.headers.get('location') ?? '';
  const state = new URL(location || 'http://x/').searchParams.get('state') ?? '';
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { status: res.status, location, state, cookie };
}

export async function redirect(
  base: string,
  q: { code: string; state: string; cookie?: string },
): Promise<{ status: number; text: string }> {
  const res = await fetch(
    `${base}/slack/oauth_redirect?code=${encodeURIComponent(q.code)}&state=${encodeURIComponent(q.state)}`,
    { headers: q.cookie ? { cookie: q.cookie } : {}, redirect: 'manual' },
  );
  return { status: res.status, text: await res.text() };
}

/** The whole service in OAuth mode (no SLACK_BOT_TOKEN), the real Bolt app, a fake Slack. */
export async function startInstallWorld(
  yaml: string,
  o: { env?: Record<string, string>; now?: () => number; prefix?: string; fake?: FakeSlack } = {},
): Promise<InstallWorld> {
  const fake = o.fake ?? (await FakeSlack.start());
  const env = { ...OAUTH_ENV, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.url, ...o.env };
  const h = await startHarness({
    env,
    platforms: [slackModule(loadEnv(env))],
    recording: false,
    directory: testDirectory(yaml),
    ...(o.now ? { now: o.now } : {}),
    ...(o.prefix ? { prefix: o.prefix } : {}),
  });
  return {
    fake,
    h,
    from: (team, enterprise) => new SlackRequests(h.url, team, enterprise),
    async install(code, install) {
      fake.grant(code, install);
      const s = await startInstall(h.url);
      return {
        ...(await redirect(h.url, { code, state: s.state, cookie: s.cookie })),
        state: s.state,
        cookie: s.cookie,
      };
    },
    async stop() {
      await h.stop();
      if (!o.fake) await fake.close();
    },
  };
}
