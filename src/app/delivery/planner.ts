import type { Agent } from '../../domain/directory.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { expireInvite } from '../invites.js';
import type { Effect, Mirror, PlatformPort, Posted } from '../ports.js';
import { lineContext, namingChat } from '../surfaces/entryLines.js';
import { homeSurface } from '../surfaces/home.js';
import { inviteCard, threadLine } from '../surfaces/invites.js';
import { userName } from '../surfaces/names.js';
import { escalationCard } from '../surfaces/queue.js';
import { rootSurface, type Viewer } from '../surfaces/root.js';
import { line, type Surface } from '../surfaces/surface.js';
import { homeView, inviteView, type SessionView, viewOf } from '../views.js';
import { words } from '../wording/index.js';
import { type Delivery, PRIO, refKeys } from './delivery.js';
import type { EngineHooks } from './host.js';
import { lineDelivery } from './lines.js';

/**
 * The planner: turns an outbox effect into deliveries on each platform's destinations.
 * It never waits on a platform; every delivery id is stable, so planning an effect again
 * (after a crash) queues nothing twice.
 */
export async function plan(ctx: AppContext, effectId: string, effect: Effect): Promise<void> {
  switch (effect.type) {
    case 'session.opened':
      return openChannels(ctx, effectId, effect.sessionId);
    case 'session.changed':
      return refreshRoots(ctx, effectId, effect.sessionId);
    case 'entry':
      return relayEntry(ctx, effect.sessionId, effect.entryId, effect.only);
    case 'invite.changed':
      return deliverInvite(ctx, effectId, effect.sessionId, effect.inviteId);
    case 'member.joined':
      return openDirect(ctx, effect.sessionId, effect.agentId);
    case 'member.left':
      return closeDirect(ctx, effect.sessionId, effect.agentId);
    case 'session.moved':
      return moveChannels(ctx, effectId, effect.sessionId);
    case 'session.escalated':
      return escalationCards(ctx, effectId, effect.sessionId);
  }
}

const platformOf = (ctx: AppContext, platform: string): PlatformPort | undefined =>
  ctx.platforms.find((p) => p.id === platform);
const viewerOf = (m: Mirror): Viewer => (m.kind === 'direct' && m.agentId ? { agentId: m.agentId } : { shared: true });

/** The platforms where an agent works: those that know them, else those that may find them. */
export function platformsOf(ctx: AppContext, agent: Agent): PlatformPort[] {
  const known = ctx.platforms.filter((p) => p.reaches(agent) === 'yes');
  return known.length > 0 ? known : ctx.platforms.filter((p) => p.reaches(agent) === 'maybe');
}

async function load(ctx: AppContext, sessionId: string) {
  // Lines with files carry signed links: the signing secret is loaded once (at once after that).
  const [bundle] = await Promise.all([ctx.store.sessions.bundle(sessionId, 20), ctx.files.links.ready()]);
  if (!bundle) throw notFound();
  return { view: viewOf(ctx, bundle), mirrors: bundle.mirrors, home: bundle.home };
}

const top = (
  sessionId: string,
  id: string,
  ref: string,
  surface: Surface,
  extra: Partial<Delivery> = {},
): Delivery => ({ id, sessionId, op: 'top', ref, surface, prio: PRIO.first, keep: true, counted: false, ...extra });

/**
 * A chat's root in its queue's channel on each platform; the home channel was chosen when it
 * was created. `withRecent`: the last messages follow (a chat moved in from another queue).
 */
async function openChannels(ctx: AppContext, effectId: string, sessionId: string, withRecent = false) {
  const { view, mirrors, home } = await load(ctx, sessionId);
  for (const p of ctx.platforms) {
    const dests = p.channels(view.queue);
    if (dests.length === 0 || mirrors.some((m) => m.id === p.id)) continue;
    const dest = home && dests.includes(home) ? home : await ctx.store.deliveries.claimLeastLoaded(dests);
    const mirror: Mirror = { id: p.id, platform: p.id, kind: 'channel', dest };
    await ctx.store.sessions.setMirror(sessionId, mirror);
    const c = lineContextOf(ctx, view);
    const recent = withRecent ? view.recent.flatMap((e) => lineDelivery(e, c, p.id) ?? []) : [];
    await ctx.engine.enqueue(dest, [
      top(
        sessionId,
        `${sessionId}/${effectId}:root:${p.id}`,
        refKeys.root(sessionId, p.id),
        rootSurface(view, { shared: true }),
        { mirror: p.id },
      ),
      ...recent,
    ]);
  }
  // A chat that starts waiting is on its queue's supervisors' Waiting lists.
  await ctx.homes.refresh(
    ctx.directory
      .get()
      .supervisorsOf(view.session.queueId)
      .map((a) => a.id),
  );
}

/** The chat went to another queue: each old channel's root says where, and the new queue's channels get it. */
async function moveChannels(ctx: AppContext, effectId: string, sessionId: string) {
  const { view, mirrors } = await load(ctx, sessionId);
  for (const m of mirrors.filter((x) => x.kind === 'channel')) {
    const ref = refKeys.root(sessionId, m.id);
    const gone = line(
      words('root.moved', { ref: view.session.ref, user: userName(view.session), queue: view.queue.name }),
      { kind: 'root', id: sessionId },
    );
    await ctx.engine.enqueue(m.dest, [
      {
        id: `${sessionId}/${effectId}:moved:${m.id}`,
        sessionId,
        op: 'update',
        ref,
        surface: gone,
        prio: PRIO.refresh,
        latest: ref,
        keep: false,
        counted: false,
      },
    ]);
    if (m.place) await ctx.store.links.removeMirrorChat(m.place, sessionId);
    await ctx.store.sessions.removeMirror(sessionId, m.id);
    if (await ctx.store.links.claimOnce(`unload:${sessionId}:${m.id}:${effectId}`, 86_400))
      await ctx.store.deliveries.load(m.dest, -1);
  }
  await openChannels(ctx, effectId, sessionId, true);
}

/** A member who left no longer gets the chat in their 1:1: its copy there says so, and stops. */
async function closeDirect(ctx: AppContext, sessionId: string, agentId: string) {
  const { view, mirrors } = await load(ctx, sessionId);
  const m = mirrors.find((x) => x.kind === 'direct' && x.agentId === agentId);
  if (!m) return;
  const ref = refKeys.root(sessionId, m.id);
  await ctx.engine.enqueue(m.dest, [
    {
      id: `${sessionId}/left:${m.id}:${view.session.status}`,
      sessionId,
      op: 'update',
      ref,
      surface: rootSurface(view, { agentId }),
      prio: PRIO.refresh,
      latest: ref,
      keep: false,
      counted: false,
    },
  ]);
  if (m.place) await ctx.store.links.removeMirrorChat(m.place, sessionId);
  await ctx.store.sessions.removeMirror(sessionId, m.id);
}

const lineContextOf = (ctx: AppContext, view: SessionView) => ({
  ...lineContext(view, (id: string) => ctx.directory.get().agent(id)),
  queueName: (id: string) => ctx.directory.get().queue(id)?.name,
});

async function refreshRoots(ctx: AppContext, effectId: string, sessionId: string) {
  const { view, mirrors } = await load(ctx, sessionId);
  for (const m of mirrors) {
    const ref = refKeys.root(sessionId, m.id);
    await ctx.engine.enqueue(m.dest, [
      {
        id: `${sessionId}/${effectId}:${m.id}`,
        sessionId,
        op: 'update',
        ref,
        surface: rootSurface(view, viewerOf(m)),
        prio: PRIO.refresh,
        latest: ref,
        keep: false,
        counted: false,
      },
    ]);
  }
  if (view.session.status === 'ended') {
    // The chat no longer counts towards its channels' load (once, however often this is planned).
    for (const m of mirrors.filter((x) => x.kind === 'channel')) {
      if (await ctx.store.links.claimOnce(`unload:${sessionId}:${m.id}`, 86_400))
        await ctx.store.deliveries.load(m.dest, -1);
    }
  }
  if (view.session.escalatedAt) await escalationCards(ctx, effectId, sessionId, view);
  await ctx.homes.refresh(interestedAgents(ctx, view));
}

/**
 * The card each supervisor of the queue gets when a chat waits too long: sent once, then
 * updated with every change of the chat (who took it, or that it ended).
 */
async function escalationCards(ctx: AppContext, effectId: string, sessionId: string, known?: SessionView) {
  const view = known ?? (await load(ctx, sessionId)).view;
  const card = escalationCard(view);
  const ref = refKeys.escalation(sessionId);
  for (const sup of ctx.directory.get().supervisorsOf(view.session.queueId)) {
    for (const p of platformsOf(ctx, sup)) {
      const first = top(sessionId, `esc:${sessionId}:${p.id}:${sup.id}`, ref, card);
      const later: Delivery = {
        id: `${sessionId}/${effectId}:esc:${p.id}:${sup.id}`,
        sessionId,
        op: 'update',
        ref,
        surface: card,
        prio: PRIO.refresh,
        latest: `${ref}:${sup.id}`,
        keep: false,
        counted: false,
      };
      await ctx.engine.enqueue(p.direct(sup), view.session.status === 'waiting' && !known ? [first] : [first, later]);
    }
  }
}

async function relayEntry(ctx: AppContext, sessionId: string, entryId: string, only?: string[]) {
  const [entry, { view, mirrors }] = await Promise.all([
    ctx.store.transcript.entry(sessionId, entryId),
    load(ctx, sessionId),
  ]);
  if (!entry) return;
  // Private notes stay where they were written; a join through an invite, an offer or a help
  // request has its own outcome line.
  if (
    entry.visibility === 'private' ||
    (entry.kind === 'participant' &&
      entry.action === 'joined' &&
      entry.via !== undefined &&
      ['invite', 'help', 'transfer'].includes(entry.via))
  )
    return;
  const origin = 'origin' in entry ? entry.origin : undefined;
  // A message is not echoed to where it was typed; the line about a command, not to the 1:1 it
  // was run in (its answer said so there; a thread keeps it for everyone who reads it).
  const echo = (m: Mirror) =>
    origin !== undefined &&
    m.place === origin &&
    (entry.kind === 'message' || entry.kind === 'edit' || entry.kind === 'delete' || m.kind === 'direct');
  const c = lineContextOf(ctx, view);
  for (const m of mirrors) {
    if ((only && !only.includes(m.id)) || echo(m)) continue;
    const d = lineDelivery(entry, c, m.id, {
      inChat: m.kind === 'direct' && platformOf(ctx, m.platform)?.threads === false,
    });
    if (d) await ctx.engine.enqueue(m.dest, [d]);
  }
}

async function deliverInvite(ctx: AppContext, effectId: string, sessionId: string, inviteId: string) {
  const { view, mirrors } = await load(ctx, sessionId);
  const invite = view.invites.find((i) => i.id === inviteId);
  if (!invite) return;
  const iv = await inviteView(ctx, invite, view);
  const card = inviteCard(iv, ctx.now());
  const ref = refKeys.card(inviteId);
  // The card: sent once per platform that reaches the invitee, updated on every later change.
  for (const p of platformsOf(ctx, iv.invitee)) {
    const dest = p.direct(iv.invitee);
    const first = top(sessionId, `card:${inviteId}:${p.id}`, ref, card, { prio: PRIO.first });
    const later: Delivery = {
      id: `${sessionId}/${effectId}:card:${p.id}`,
      sessionId,
      op: 'update',
      ref,
      surface: card,
      prio: PRIO.refresh,
      latest: ref,
      keep: false,
      counted: false,
    };
    // A card not sent yet goes out in its latest state; later changes update it.
    await ctx.engine.enqueue(dest, invite.status === 'pending' ? [first] : [first, later]);
  }
  const said = threadLine(iv);
  if (said) {
    for (const m of mirrors.filter((x) => x.kind === 'channel' || x.agentId === invite.inviterId)) {
      const surface =
        m.kind === 'direct' && platformOf(ctx, m.platform)?.threads === false
          ? namingChat(said.surface, view.session.ref)
          : said.surface;
      await ctx.engine.enqueue(m.dest, [post(sessionId, `${said.id}:${m.id}`, m.id, surface)]);
    }
  }
  await ctx.homes.refresh([invite.inviteeId, invite.inviterId]);
}

const post = (sessionId: string, id: string, mirror: string, surface: Surface): Delivery => ({
  id,
  sessionId,
  op: 'post',
  ref: `line:${sessionId}:${id}`,
  under: refKeys.root(sessionId, mirror),
  surface,
  prio: PRIO.line,
  keep: false,
  counted: false,
});

/** A chat's root went out on a mirror: replies typed under it now find the chat. */
export async function rootPosted(ctx: AppContext, d: Delivery, posted: Posted): Promise<void> {
  const bundle = await ctx.store.sessions.bundle(d.sessionId, 0);
  const mirror = bundle?.mirrors.find((m) => m.id === d.mirror);
  if (!mirror) return;
  await ctx.store.links.addMirrorChat(posted.place, d.sessionId);
  await ctx.store.sessions.setMirror(d.sessionId, { ...mirror, place: posted.place });
}

/**
 * When a card could not reach its invitee on any platform, the invite ends at once: nobody can
 * answer it. Its thread line says it could not be delivered (never that it went unanswered),
 * with Resend, for once they open the app.
 */
export async function unreachable(ctx: AppContext, d: Delivery): Promise<void> {
  const inviteId = d.ref.startsWith('card:') ? d.ref.slice(5) : undefined;
  if (!inviteId) return;
  const invite = await ctx.store.invites.get(inviteId);
  if (invite?.status !== 'pending') return;
  const invitee = ctx.directory.get().agent(invite.inviteeId);
  if (invitee && platformsOf(ctx, invitee).length > 1) return;
  await expireInvite(ctx, inviteId, { unreached: true });
}

/**
 * What the engine calls back into the use cases with (a root posted, a card that could not go
 * out). `ctx`: the context the engine is part of, so it is read when a hook runs, as
 * `autoRouter` (src/app/routing.ts) reads its own.
 */
export const engineHooks = (ctx: () => AppContext): EngineHooks => ({
  rootPosted: (d, posted) => rootPosted(ctx(), d, posted),
  unreachable: (d) => unreachable(ctx(), d),
});

/** Someone who joins a chat from another platform reads it in their 1:1 (or is let into its channel). */
async function openDirect(ctx: AppContext, sessionId: string, agentId: string) {
  const agent = ctx.directory.get().agent(agentId);
  if (!agent) return;
  const { view, mirrors } = await load(ctx, sessionId);
  const [home] = platformsOf(ctx, agent);
  if (!home || mirrors.some((m) => m.agentId === agentId)) return;
  const channel = mirrors.find((m) => m.platform === home.id && m.kind === 'channel');
  if (channel) return home.admit?.(channel.dest, agent);
  // A copy per membership: after a leave and a rejoin the new copy has a root of its own, and
  // nothing (its lines, its updates) goes to the old one, which said they left.
  const joined = view.members.find((m) => m.agentId === agentId)?.joinedAt ?? view.session.createdAt;
  const id = `${home.id}:${agentId}:${joined}`;
  const mirror: Mirror = { id, platform: home.id, kind: 'direct', agentId, dest: home.direct(agent) };
  await ctx.store.sessions.setMirror(sessionId, mirror);
  // The recent messages give the joiner the context the channel thread would have shown.
  const c = lineContext(view, (x) => ctx.directory.get().agent(x));
  const lines = view.recent.flatMap((e) => lineDelivery(e, c, id, { inChat: !home.threads }) ?? []);
  await ctx.engine.enqueue(mirror.dest, [
    top(
      sessionId,
      `direct:${sessionId}:${agentId}:${joined}`,
      refKeys.root(sessionId, id),
      rootSurface(view, { agentId }),
      { mirror: id },
    ),
    ...lines,
  ]);
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
