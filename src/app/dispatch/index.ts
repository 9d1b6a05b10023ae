import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import type { Intent, Outcome } from '../intents.js';
import { inviteCandidates } from '../invites.js';
import { anyoneOption, candidateOptions, inviteForm } from '../surfaces/invites.js';
import { transferForm } from '../surfaces/lifecycle.js';
import { parseCall } from '../verbs.js';
import { sessionView } from '../views.js';
import { words } from '../wording/index.js';
import { clickOf } from './clicks.js';
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
    if (intent.kind === 'revise' || (intent.kind === 'reply' && !intent.commandable && (await chatsAt(ctx, intent.place)).length === 0)) return {};
    return { notice: { text: words('notice.notInDirectory'), tone: 'attention' } };
  }
  let show: Outcome['show'];
  try {
    switch (intent.kind) {
      case 'reply':
        return await reply(ctx, agent, intent, opts.prefix);
      case 'revise':
        return await revise(ctx, agent, intent);
      case 'command':
        return await commandLine(ctx, agent, intent.text, intent.mentions ?? [], { ...(intent.place ? { place: intent.place } : {}), prefix: opts.prefix });
      case 'search': {
        const parsed = parseCall(intent.verb, intent.data);
        if (!parsed.ok || (parsed.call.verb !== 'invite.search' && parsed.call.verb !== 'transfer.search')) throw Refused.of('invalid', { detail: parsed.ok ? parsed.call.verb : parsed.detail });
        const { sessionId } = parsed.call.data;
        const [view, found] = await Promise.all([sessionView(ctx, sessionId), inviteCandidates(ctx, sessionId, agent.id, intent.query, 50)]);
        if (parsed.call.verb === 'transfer.search') {
          const options = candidateOptions(found);
          return { options, show: async () => transferForm(view, ctx.directory.get().queues, { query: intent.query, options }) };
        }
        const { mode } = parsed.call.data;
        // Anyone available is offered while the search is empty or names nobody in particular.
        const options = [...(intent.query.trim() ? [] : [anyoneOption(view)]), ...candidateOptions(found)];
        return { options, show: async () => inviteForm(view, { query: intent.query, ...(mode ? { mode } : {}), options }) };
      }
      case 'click': {
        const parsed = parseCall(intent.verb, intent.data);
        if (!parsed.ok) throw Refused.of('invalid', { detail: parsed.detail });
        const click = clickOf(parsed.call);
        if (click.show) show = () => click.show!(ctx, agent, parsed.call.data as never);
        const out = click.run ? await click.run(ctx, agent, parsed.call.data as never, opts.prefix) : {};
        return { ...(show ? { show } : {}), ...out };
      }
    }
  } catch (err) {
    if (err instanceof Refused) return { notice: { text: err.text, tone: 'attention' }, ...(show ? { show } : {}) };
    ctx.log.error({ err, intent: intent.kind }, 'platform action failed');
    return { notice: { text: words('notice.failed'), tone: 'attention' } };
  }
}
