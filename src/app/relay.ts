import type { Agent } from '../domain/directory.js';
import type { TranscriptEntry } from '../domain/transcript.js';
import type { AppContext } from './context.js';
import { notFound } from './errors.js';
import type { Effect, MessageRef, Mirror, PlatformPort } from './ports.js';
import { homeSurface } from './surfaces/home.js';
import { inviteCard, inviteLine } from './surfaces/invites.js';
import { entryLine } from './surfaces/lines.js';
import { agentName } from './surfaces/names.js';
import { rootSurface, type Viewer } from './surfaces/root.js';
import { line, type Surface } from './surfaces/surface.js';
import { homeView, inviteView, type SessionView, viewOf } from './views.js';
import { words } from './wording/index.js';

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
const viewerOf = (m: Mirror): Viewer => (m.kind === 'direct' && m.agentId ? { agentId: m.agentId } : { shared: true });

/** The platforms where an agent works: those that know them, else those that may find them. */
export function platformsOf(ctx: AppContext, agent: Agent): PlatformPort[] {
  const known = ctx.platforms.filter((p) => p.reaches(agent) === 'yes');
  return known.length > 0 ? known : ctx.platforms.filter((p) => p.reaches(agent) === 'maybe');
}

/** The session's view and mirrors, in one round trip. */
async function load(ctx: AppContext, sessionId: string): Promise<{ view: SessionView; mirrors: Mirror[] }> {
  const bundle = await ctx.store.sessions.bundle(sessionId, 20);
  if (!bundle) throw notFound();
  return { view: viewOf(ctx, bundle), mirrors: bundle.mirrors };
}

async function keep(ctx: AppContext, sessionId: string, mirror: Mirror) {
  await ctx.store.links.addMirror(sessionId, mirror);
  await ctx.store.links.addMirrorChat(mirror.key, sessionId);
}

async function openChannels(ctx: AppContext, sessionId: string) {
  const { view, mirrors: existing } = await load(ctx, sessionId);
  for (const p of ctx.platforms) {
    if (existing.some((m) => m.platform === p.id && m.kind === 'channel')) continue;
    const mirror = await p.openMirror(rootSurface(view, { shared: true }), { queue: view.queue, sessionId });
    if (mirror) await keep(ctx, sessionId, mirror);
  }
}

async function renderEverywhere(ctx: AppContext, sessionId: string) {
  const { view, mirrors } = await load(ctx, sessionId);
  for (const m of mirrors) await platformOf(ctx, m)?.update(m.root, rootSurface(view, viewerOf(m)));
  await ctx.homes.refresh(interestedAgents(ctx, view));
}

/** Posts a line once per key: a retry after a failure finds the ref and does not post again. */
async function postOnce(ctx: AppContext, sessionId: string, key: string, platform: PlatformPort, m: Mirror, s: Surface): Promise<MessageRef> {
  const known = await ctx.store.links.getRef(sessionId, key);
  if (known) return known;
  const ref = await platform.post(m, s);
  await ctx.store.links.setRef(sessionId, key, ref);
  return ref;
}

const lineKey = (m: Mirror, entryId: string) => `posted:${m.key}:${entryId}`;

async function relayEntry(ctx: AppContext, sessionId: string, entryId: string) {
  const [entry, { view, mirrors }] = await Promise.all([ctx.store.transcript.entry(sessionId, entryId), load(ctx, sessionId)]);
  if (!entry) return;
  // Private notes stay where they were written; a join through an invite has its own outcome line.
  if (entry.visibility === 'private' || (entry.kind === 'participant' && entry.via === 'invite')) return;
  const origin = 'origin' in entry ? entry.origin : undefined;
  for (const m of mirrors) {
    const platform = platformOf(ctx, m);
    if (!platform || m.key === origin) continue;
    await relayTo(ctx, platform, m, view, entry);
  }
}

async function relayTo(ctx: AppContext, platform: PlatformPort, m: Mirror, view: SessionView, entry: TranscriptEntry) {
  const sessionId = view.session.id;
  const s = entryLine(entry, view, { inChat: m.kind === 'direct' && !platform.threads });
  if (!s) return;
  if (entry.kind === 'edit' || entry.kind === 'delete') {
    const target = await ctx.store.links.getRef(sessionId, lineKey(m, entry.targetId));
    if (target && !target.skipped) {
      if (entry.kind === 'edit') await platform.update(target, s);
      else await platform.remove(target);
      return;
    }
  }
  await postOnce(ctx, sessionId, lineKey(m, entry.id), platform, m, s);
}

async function deliverInvite(ctx: AppContext, sessionId: string, inviteId: string) {
  const { view, mirrors: all } = await load(ctx, sessionId);
  const invite = view.invites.find((i) => i.id === inviteId);
  if (!invite) return;
  const iv = await inviteView(ctx, invite, view);
  const mirrors = all.filter((m) => m.kind === 'channel' || m.agentId === invite.inviterId);
  const card = inviteCard(iv, ctx.now());

  // The card: sent once per platform that reaches the invitee, updated on every later change.
  let reached = false;
  for (const p of ctx.platforms) {
    const key = `card:${p.id}:${inviteId}`;
    const ref = await ctx.store.links.getRef(sessionId, key);
    if (ref) {
      reached ||= !ref.none;
      if (!ref.none) await p.update(ref, card);
      continue;
    }
    if (invite.status !== 'pending' || !platformsOf(ctx, iv.invitee).includes(p)) continue;
    const sent = await p.send(iv.invitee, card);
    await ctx.store.links.setRef(sessionId, key, sent ?? { none: '1' });
    reached ||= sent !== null;
  }
  if (!reached && invite.status === 'pending') {
    const notice = line(words('invite.unreached', { name: agentName(iv.invitee) }));
    for (const m of mirrors) {
      const p = platformOf(ctx, m);
      if (p) await postOnce(ctx, sessionId, `unreached:${inviteId}:${m.key}`, p, m, notice);
    }
  }

  // The thread line: one per invite state per mirror (a resent invite announces itself once).
  if (invite.status !== 'pending' || invite.attempt > 1) {
    const s = inviteLine(iv);
    for (const m of mirrors) {
      const p = platformOf(ctx, m);
      if (p) await postOnce(ctx, sessionId, `outcome:${inviteId}:${invite.status}:${m.key}`, p, m, s);
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
  const [home] = platformsOf(ctx, agent);
  if (!home) return;
  const channel = mirrors.find((m) => m.platform === home.id && m.kind === 'channel');
  if (channel) return home.admit?.(channel, agent);
  const rootKey = `direct:${home.id}:${agentId}`;
  const known = await ctx.store.links.getRef(sessionId, rootKey);
  const mirror = known ? JSON.parse(known.mirror ?? 'null') as Mirror | null : await home.openMirror(rootSurface(view, { agentId }), { agent, sessionId });
  if (!mirror) return;
  if (!known) await ctx.store.links.setRef(sessionId, rootKey, { mirror: JSON.stringify(mirror) });
  // The recent messages give the joiner the context the channel thread would have shown.
  for (const e of view.recent) {
    const s = entryLine(e, view, { inChat: !home.threads });
    if (s) await postOnce(ctx, sessionId, lineKey(mirror, e.id), home, mirror, s);
  }
  await keep(ctx, sessionId, mirror);
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
    const targets = platformsOf(ctx, agent);
    if (targets.length === 0) continue;
    try {
      const home = homeSurface(await homeView(ctx, agent));
      await Promise.all(targets.map((p) => p.publishHome(agent, home)));
    } catch (err) {
      ctx.log.warn({ err, agentId: agent.id }, 'home publish failed');
    }
  }
}
