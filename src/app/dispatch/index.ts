import { actingFrom } from '../acting.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import type { Intent, Outcome } from '../intents.js';
import { parseCall } from '../verbs.js';
import { words } from '../wording/index.js';
import { clickOf, pickerForm } from './clicks.js';
import { commandLine } from './commands.js';
import { reply, revise } from './replies.js';
import { chatsAt } from './resolve.js';

/** How a platform names its commands, for the help (`/chat`, `@Switchboard`). */
export interface DispatchOptions {
  prefix: string;
}

/**
 * The one entry for everything people do on a platform: checks who acts, runs the use case
 * (which applies the policy), and says the result in words and surfaces. Refusals come
 * back as notices; failures are logged and said politely; nothing here throws.
 */
export async function dispatch(ctx: AppContext, intent: Intent, opts: DispatchOptions): Promise<Outcome> {
  const agent = intent.agent;
  if (!agent) {
    // Someone else talking in a channel is none of our business; in a chat's thread they hear why nothing happens.
    if (
      intent.kind === 'revise' ||
      (intent.kind === 'reply' && !intent.commandable && (await chatsAt(ctx, intent.place)).length === 0)
    )
      return {};
    return { notice: { text: words('notice.notInDirectory'), tone: 'attention' } };
  }
  let show: Outcome['show'];
  try {
    switch (intent.kind) {
      case 'reply':
        return await actingFrom(intent.commandable ? intent.place : undefined, () =>
          reply(ctx, agent, intent, opts.prefix),
        );
      case 'revise':
        return await revise(ctx, agent, intent);
      case 'command':
        return await actingFrom(intent.place, () =>
          commandLine(ctx, agent, intent.text, intent.mentions ?? [], {
            ...(intent.place ? { place: intent.place } : {}),
            prefix: opts.prefix,
          }),
        );
      case 'search': {
        const parsed = parseCall(intent.verb, intent.data);
        if (!parsed.ok || (parsed.call.verb !== 'invite.search' && parsed.call.verb !== 'transfer.search'))
          throw Refused.of('invalid', { detail: parsed.ok ? parsed.call.verb : parsed.detail });
        const kind = parsed.call.verb === 'transfer.search' ? 'transfer' : 'invite';
        const mode = parsed.call.verb === 'invite.search' ? parsed.call.data.mode : undefined;
        const { options, surface } = await pickerForm(
          ctx,
          agent,
          kind,
          { sessionId: parsed.call.data.sessionId, query: intent.query, mode },
          50,
        );
        return { options, show: async () => surface };
      }
      case 'click': {
        const parsed = parseCall(intent.verb, intent.data);
        if (!parsed.ok) throw Refused.of('invalid', { detail: parsed.detail });
        const click = clickOf(parsed.call);
        const data = parsed.call.data as never;
        // Until it has run, what a refusal shows: the form as it was filled in, else the card.
        const again = click.retry ?? click.show;
        if (again) show = () => again(ctx, agent, data);
        const out = click.run ? await click.run(ctx, agent, data, opts.prefix) : {};
        show = click.show ? () => click.show!(ctx, agent, data) : undefined;
        return { ...(show ? { show } : {}), ...out };
      }
    }
  } catch (err) {
    if (err instanceof Refused) return { notice: { text: err.text, tone: 'attention' }, ...(show ? { show } : {}) };
    ctx.log.error({ err, intent: intent.kind }, 'platform action failed');
    return { notice: { text: words('notice.failed'), tone: 'attention' } };
  }
}
