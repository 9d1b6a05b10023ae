import type { App, RespondArguments } from '@slack/bolt';
import { message, modal } from '../render/blockKit.js';
import { mrkdwn } from '../render/mrkdwn.js';
import { commandText } from '../text.js';
import { run, type SlackDeps, teamOf } from './present.js';

/** The slash command, as a command intent; answered privately in the command's response. */
export function registerCommands(app: App, d: SlackDeps): void {
  app.command(d.command, async ({ ack, command, client, context }) => {
    const team = teamOf(context);
    const agent = await d.people.agent(command.user_id, team);
    const { text, mentions } = commandText(command.text);
    const resolved = await Promise.all(
      mentions.map(async (m) => ({ text: m.text, agentId: (await d.people.agent(m.userId, team))?.id ?? '' })),
    );
    const out = await run(d, {
      kind: 'command',
      agent,
      text,
      mentions: resolved.filter((m) => m.agentId),
      prefix: d.command,
    });
    // A dialog (the canned-reply picker) opens as a modal: the command's trigger lets it.
    if (out.open?.kind === 'dialog' && command.trigger_id) {
      try {
        await client.views.open({ trigger_id: command.trigger_id, view: modal(out.open) });
        return void (await ack(out.notice ? { response_type: 'ephemeral', text: mrkdwn(out.notice.text) } : undefined));
      } catch (err) {
        d.ctx.log.warn({ err: (err as Error).message }, 'could not open the Slack modal; answering in the message');
      }
    }
    // A home belongs on the App Home (the use case republished it); anything else is shown in the answer.
    const shown = out.open && out.open.kind !== 'home' ? message(out.open) : undefined;
    const notice = out.notice ? mrkdwn(out.notice.text) : undefined;
    const reply = shown
      ? {
          text: notice ?? shown.text,
          blocks: [
            ...(notice ? [{ type: 'section', text: { type: 'mrkdwn', text: notice } }] : []),
            ...(shown.blocks ?? [{ type: 'section', text: { type: 'mrkdwn', text: shown.text } }]),
          ],
        }
      : { text: notice ?? ' ' };
    await ack({ response_type: 'ephemeral', ...reply } as RespondArguments);
  });
}
