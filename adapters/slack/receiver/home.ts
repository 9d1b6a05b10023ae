import type { App } from '@slack/bolt';
import { publishHomes } from '../../../src/app/delivery/planner.js';
import { type SlackDeps, teamOf } from './present.js';

/** App Home: published when opened, and again by the relay whenever what it shows changes. */
export function registerHome(app: App, d: SlackDeps): void {
  app.event('app_home_opened', async ({ event, context }) => {
    if (event.tab !== 'home') return;
    const agent = await d.people.agent(event.user, teamOf(context));
    if (agent) await publishHomes(d.ctx, [agent]);
  });
}
