import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { plain } from '../../../src/app/wording/index.js';
import { ACTION_PREFIX, DIALOG, type DialogMeta, modal, option, REDRAW_PREFIX } from '../render/blockKit.js';
import { LIMITS } from '../render/mrkdwn.js';
import { present, run, type SlackDeps, teamOf, type Where } from './present.js';

/** A button's value is its verb's data as JSON; anything else is passed on as is and refused by validation. */
const json = (s: string | undefined): unknown => {
  try {
    return s ? JSON.parse(s) : {};
  } catch {
    return s;
  }
};

const Call = z.object({ verb: z.string(), data: z.unknown() });
const Meta = z.object({ submit: Call.optional(), search: Call.optional(), redraw: Call.optional() });
const meta = (raw: string | undefined): DialogMeta => (Meta.safeParse(json(raw)).data ?? {}) as DialogMeta;

/** A modal's inputs, by block: what was picked, chosen or typed. */
const State = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      selected_option: z.object({ value: z.string() }).nullish(),
      value: z.string().nullish(),
    }),
  ),
);
const Submission = z.object({ private_metadata: z.string().optional(), state: z.object({ values: State }) });
const Redrawn = Submission.extend({ id: z.string(), hash: z.string().optional() });

/** A modal's inputs as verb data: each block's picked, chosen or typed value. */
function valuesOf(state: z.infer<typeof State>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [blockId, inputs] of Object.entries(state)) {
    for (const v of Object.values(inputs)) {
      const value = v.selected_option?.value ?? v.value;
      if (value) values[blockId] = value;
    }
  }
  return values;
}

/** Buttons, modal submissions and the picker's search: click and search intents. */
export function registerInteractions(app: App, d: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION_PREFIX}`),
    async ({ ack, body, action, client, context }) => {
      await ack();
      const verb = action.action_id.slice(ACTION_PREFIX.length).replace(/#\d+$/, '');
      // A home-tab click has no channel: the answer goes to a DM.
      const inView = body.container?.type === 'view';
      const where: Where = {
        channel: inView ? undefined : body.channel?.id,
        threadTs: body.message?.thread_ts as string | undefined,
        triggerId: body.trigger_id,
      };
      const out = await run(d, {
        kind: 'click',
        agent: await d.people.agent(body.user.id, teamOf(context)),
        verb,
        data: json(action.value),
      });
      await present(d, client, body.user.id, where, out);
    },
  );

  app.view(DIALOG, async ({ ack, body, view, context }) => {
    const parsed = Submission.safeParse(view);
    const submit = parsed.success ? meta(parsed.data.private_metadata).submit : undefined;
    if (!parsed.success || !submit) return ack();
    const values = valuesOf(parsed.data.state.values);
    const out = await run(d, {
      kind: 'click',
      agent: await d.people.agent(body.user.id, teamOf(context)),
      verb: submit.verb,
      data: { ...(submit.data as object), ...values },
    });
    if (out.notice?.tone === 'attention') {
      // The modal stays open, the reason under its first input.
      const first = Object.keys(parsed.data.state.values)[0];
      return ack(first ? { response_action: 'errors', errors: { [first]: plain(out.notice.text) } } : undefined);
    }
    await ack();
  });

  // A choice in a modal that redraws it (a canned reply's preview): views.update, on the view's hash so an older redraw loses.
  app.action(new RegExp(`^${REDRAW_PREFIX}`), async ({ ack, body, client, context }) => {
    await ack();
    const view = Redrawn.safeParse((body as { view?: unknown }).view);
    const redraw = view.success ? meta(view.data.private_metadata).redraw : undefined;
    if (!view.success || !redraw) return;
    const out = await run(d, {
      kind: 'click',
      agent: await d.people.agent(body.user.id, teamOf(context)),
      verb: redraw.verb,
      data: { ...(redraw.data as object), ...valuesOf(view.data.state.values) },
    });
    try {
      if (out.open?.kind === 'dialog')
        await client.views.update({
          view_id: view.data.id,
          ...(view.data.hash ? { hash: view.data.hash } : {}),
          view: modal(out.open),
        });
      else if (out.notice) await present(d, client, body.user.id, {}, { notice: out.notice });
    } catch (err) {
      d.ctx.log.warn({ err: (err as Error).message }, 'could not redraw the Slack modal');
    }
  });

  app.options(/.*/, async ({ ack, body, context }) => {
    const search = meta(body.view?.private_metadata).search;
    if (!search) return ack({ options: [] });
    const out = await run(d, {
      kind: 'search',
      agent: await d.people.agent(body.user.id, teamOf(context)),
      verb: search.verb,
      data: search.data,
      query: (body as { value?: string }).value ?? '',
    });
    await ack({ options: (out.options ?? []).slice(0, LIMITS.options).map(option) });
  });
}
