import type { Agent } from '../domain/directory.js';
import type { AppContext } from './context.js';
import { notFound } from './errors.js';
import { homeView, inviteView, viewOf } from './views.js';
import type { Effect, Mirror, PlatformPort, SessionView } from './ports.js';

/**
 * Carries one outbox effect to every platform. Each step records what it has done
 * (refs in the store), so a retry after a partial failure never posts twice.
 */
export async function deliverEffect(ctx: AppContext, effect: Effect): Promise<void> {
  switch (effect.type) {
    case 'session.opened':
      return openChannels(ctx, effect.sessionId);
    case 'session.changed':
      return renderEverywhere(ctx, effect.sessionId);
    case 'entry':
      return relayEntry(ctx, effect.sessionId, effect.entryId);
    case 'invite.changed':
      return deliverInvite(ctx, effect.sessionId, effect.inviteId);
    case 'member.joined':
      return openDirect(ctx, effect.sessionId, effect.agentId);
  }
}

const platformOf = (ctx: AppContext, m: Mirror): PlatformPort | undefined => ctx.platforms.find((p) => p.id === m.platform);

/** The session's view and mirrors, in one round trip. */
async function load(ctx: AppContext, sessionId: string): Promise<{ view: SessionView; mirrors: Mirror[] }> {
  const bundle = await ctx.store.sessionBundle(sessionId, 20);
  if (!bundle) throw notFound('Chat');
  return { view: viewOf(ctx, bundle), mirrors: bundle.mirrors };
}

async function openChannels(ctx: AppContext, sessionId: string) {
  const { view, mirrors: existing } = await load(ctx, sessionId);
  for (const p of ctx.platforms) {
    if (existing.some((m) => m.platform === p.id && m.kind === 'channel')) continue;
    const mirror = await p.openChannelMirror(view);
    if (mirror) {
      await ctx.store.addMirror(sessionId, mirror);
      await ctx.store.remember(`mirror:${mirror.key}`, sessionId);
    }
  }
}

async function renderEverywhere(ctx: AppContext, sessionId: string) {
  const { view, mirrors } = await load(ctx, sessionId);
  for (const m of mirrors) await platformOf(ctx, m)?.renderSession(m, view);
  await ctx.homes.refresh(interestedAgents(ctx, view));
}

async function relayEntry(ctx: AppContext, sessionId: string, entryId: string) {
  const [entry, { view, mirrors }] = await Promise.all([ctx.store.entry(sessionId, entryId), load(ctx, sessionId)]);
  if (!entry) return;
  // Private notes stay where they were written; a join through an invite has its own outcome line.
  if (entry.visibility === 'private' || (entry.kind === 'participant' && entry.via === 'invite')) return;
  const origin = 'origin' in entry ? entry.origin : undefined;
  for (const m of mirrors) {
    if (m.key === origin) continue;
    const platform = platformOf(ctx, m);
    if (!platform) continue;
    const key = `posted:${m.key}:${entry.id}`;
    if (await ctx.store.getRef(sessionId, key)) continue;
    const target = 'targetId' in entry ? await ctx.store.getRef(sessionId, `posted:${m.key}:${entry.targetId}`) : undefined;
    const ref = await platform.postEntry(m, view, entry, target);
    await ctx.store.setRef(sessionId, key, ref ?? { skipped: '1' });
  }
}

async function deliverInvite(ctx: AppContext, sessionId: string, inviteId: string) {
  const { view, mirrors: all } = await load(ctx, sessionId);
  const invite = view.invites.find((i) => i.id === inviteId);
  if (!invite) return;
  const iv = await inviteView(ctx, invite, view);
  const mirrors = all.filter((m) => m.kind === 'channel' || m.agentId === invite.inviterId);

  // The card: sent once per platform that reaches the invitee, updated on every later change.
  const cardKey = (p: PlatformPort) => `card:${p.id}:${inviteId}`;
  let reached = false;
  for (const p of ctx.platforms) {
    const ref = await ctx.store.getRef(sessionId, cardKey(p));
    if (ref) {
      reached = true;
      if (!ref.none) await p.updateInviteCard(iv, ref);
      continue;
    }
    if (invite.status !== 'pending' || !p.reaches(iv.invitee)) continue;
    const sent = await p.sendInviteCard(iv);
    await ctx.store.setRef(sessionId, cardKey(p), sent ?? { none: '1' });
    if (sent) {
      reached = true;
      await ctx.store.remember(`card:${p.id}:${Object.values(sent).join(':')}`, inviteId);
    }
  }
  if (!reached && invite.status === 'pending') {
    await once(ctx, sessionId, `unreached:${inviteId}`, async () => {
      const text = `Could not deliver the invite to ${iv.invitee.firstName} ${iv.invitee.lastName}: they have not opened a chat with Switchboard on any platform yet. Ask them to open the app once, then resend.`;
      for (const m of mirrors) await platformOf(ctx, m)?.postNotice(m, view, text);
    });
  }

  // The thread line: one per invite state per mirror (resent invites announce themselves once).
  if (invite.status !== 'pending' || invite.attempt > 1) {
    for (const m of mirrors) {
      await once(ctx, sessionId, `outcome:${inviteId}:${invite.status}:${m.key}`, async () => {
        await platformOf(ctx, m)?.postInviteOutcome(m, iv);
      });
    }
  }
  await ctx.homes.refresh([invite.inviteeId, invite.inviterId]);
}

async function openDirect(ctx: AppContext, sessionId: string, agentId: string) {
  const agent = ctx.directory.get().agent(agentId);
  if (!agent) return;
  const { view, mirrors } = await load(ctx, sessionId);
  if (mirrors.some((m) => m.agentId === agentId)) return;
  // Someone who works where the chat already has a channel thread reads it there.
  const home = ctx.platforms.find((p) => p.reaches(agent));
  if (!home) return;
  const channel = mirrors.find((m) => m.platform === home.id && m.kind === 'channel');
  if (channel) return home.admit?.(channel, agent);
  const mirror = await home.openDirectMirror(view, agent);
  if (mirror) {
    await ctx.store.addMirror(sessionId, mirror);
    await ctx.store.remember(`mirror:${mirror.key}`, sessionId);
  }
}

async function once(ctx: AppContext, sessionId: string, key: string, work: () => Promise<void>) {
  if (await ctx.store.getRef(sessionId, key)) return;
  await work();
  await ctx.store.setRef(sessionId, key, { done: '1' });
}

/**
 * Whose home lists this session: its members and its queue's supervisors. (Invitees hear of
 * their own invite's changes through invite.changed.)
 */
function interestedAgents(ctx: AppContext, view: SessionView): string[] {
  const ids = new Set<string>(view.members.map((m) => m.agentId));
  for (const a of ctx.directory.get().supervisorsOf(view.session.queueId)) ids.add(a.id);
  return [...ids];
}

/** Publishes agents' homes now (the home worker's job); a failure is logged, never thrown. */
export async function publishHomes(ctx: AppContext, agents: Agent[]) {
  for (const agent of agents) {
    const targets = ctx.platforms.filter((p) => p.reaches(agent));
    if (targets.length === 0) continue;
    try {
      const home = await homeView(ctx, agent);
      await Promise.all(targets.map((p) => p.publishHome(home)));
    } catch (err) {
      ctx.log.warn({ err, agentId: agent.id }, 'home publish failed');
    }
  }
}
