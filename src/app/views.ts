import type { AvailabilitySource } from '../domain/availability.js';
import type { CannedReply } from '../domain/canned.js';
import type { Agent, Queue } from '../domain/directory.js';
import { isSupervisor, isSupervisorOf } from '../domain/directory.js';
import { type Invite, inviteSessionId } from '../domain/invite.js';
import type { Listing } from '../domain/lists.js';
import type { Member, Session } from '../domain/session.js';
import type { FileRef, MessageEntry } from '../domain/transcript.js';
import { availabilities } from './availability.js';
import type { AppContext } from './context.js';
import { notFound, Refused } from './errors.js';
import { type TodayRow, todayFor } from './record/reports.js';
import type { SessionBundle } from './store.js';

const RECENT = 5;

export interface MemberView extends Member {
  agent: Agent | undefined;
}

/** Everything a surface needs to draw a chat: plain data, no store access. */
export interface SessionView {
  session: Session;
  queue: Queue;
  owner: Agent | undefined;
  members: MemberView[];
  invites: Invite[];
  /** Who supervises the chat's queue (agent ids): whom a help request would go to. */
  supervisors: string[];
  /** Who works the chat's queue (agent ids): the people its channel shows it to. */
  agents: string[];
  /** The last few messages agents may see, oldest first. */
  recent: MessageEntry[];
  publicUrl: string;
  /** Where agents open a chat's file (a signed link). */
  fileUrl?: (file: FileRef) => string;
  /** Whether answers can reach an absent end user by email (SMTP_URL is set). */
  emails?: boolean;
}

export interface InviteView {
  invite: Invite;
  view: SessionView;
  inviter: Agent | undefined;
  invitee: Agent;
  /** INVITE_MAX_RESENDS, so surfaces know whether Resend is still offered. */
  maxResends: number;
  /** Any agent by id (who answered a group's invite first). */
  agent: (id: string) => Agent | undefined;
}

/** What an agent's home or dashboard shows. */
export interface HomeView {
  agent: Agent;
  available: boolean;
  /** What decided it: the agent's toggle (`manual`) or a platform's presence (README "Availability"). */
  availabilitySource?: AvailabilitySource;
  invites: InviteView[];
  chats: SessionView[];
  /** Active chats of the queues the agent supervises; empty for non-supervisors. */
  monitoring: SessionView[];
  /** Waiting chats of the queues the agent supervises, oldest first; empty for non-supervisors. */
  waiting: SessionView[];
  /** Offline messages of the queues the agent supervises, not yet replied to, oldest first (shown apart from live chats). */
  offline?: SessionView[];
  /** For supervisors with a record: today's numbers of their queues (`unavailable` when it cannot be read now). */
  today?: TodayRow[] | 'unavailable';
  /** The agent's own canned replies (the home lists them with Edit, Remove and Add). */
  canned?: CannedReply[];
}

export const memberView = (view: SessionView, agentId: string | undefined): MemberView | undefined =>
  agentId === undefined ? undefined : view.members.find((m) => m.agentId === agentId);

/** Plain-data views of a session for the surfaces. */
export async function sessionView(ctx: AppContext, sessionId: string): Promise<SessionView> {
  const bundle = await ctx.store.sessions.bundle(sessionId, 20);
  if (!bundle) throw notFound();
  return viewOf(ctx, bundle);
}

export function viewOf(ctx: AppContext, { session, members, invites, recent: last }: SessionBundle): SessionView {
  const dir = ctx.directory.get();
  const queue = dir.queue(session.queueId) ?? {
    id: session.queueId,
    name: session.queueId,
    routing: 'manual' as const,
    settings: {},
  };
  return {
    session,
    queue,
    owner: session.ownerId ? dir.agent(session.ownerId) : undefined,
    members: members.map((m) => ({ ...m, agent: dir.agent(m.agentId) })).sort((a, b) => a.joinedAt - b.joinedAt),
    invites,
    supervisors: dir.supervisorsOf(session.queueId).map((a) => a.id),
    agents: dir.agentsOf(session.queueId).map((a) => a.id),
    recent: last.filter((e): e is MessageEntry => e.kind === 'message' && e.visibility !== 'private').slice(-RECENT),
    publicUrl: ctx.settings.publicUrl,
    fileUrl: (file) => ctx.files.links.url(session.id, file),
    emails: ctx.mail !== undefined,
  };
}

export async function inviteView(ctx: AppContext, invite: Invite, view?: SessionView): Promise<InviteView> {
  const dir = ctx.directory.get();
  const invitee = dir.agent(invite.inviteeId) ?? {
    id: invite.inviteeId,
    firstName: invite.inviteeId,
    lastName: '',
    email: 'unknown@invalid',
    permissions: [],
    roles: ['agent' as const],
    queues: [],
    maxChats: 0,
    settings: {},
  };
  return {
    invite,
    view: view ?? (await sessionView(ctx, invite.sessionId)),
    inviter: dir.agent(invite.inviterId),
    invitee,
    maxResends: ctx.settings.maxResends,
    agent: (id) => dir.agent(id),
  };
}

/**
 * The agent's open chats and pending invites, and for supervisors the active chats of their
 * queues: read from the lists (never by scanning every chat), each checked against its chat.
 * A listing the chat no longer matches is left out, and the chat reindexed.
 */
export async function homeView(ctx: AppContext, agent: Agent): Promise<HomeView> {
  const lists = ctx.store.lists;
  const supervised = agent.queues.filter((q) => isSupervisorOf(agent, q));
  const inQueues = (list: 'active' | 'waiting' | 'offline') =>
    Promise.all(supervised.map(async (q) => (await lists.read(list, q)).map((id) => [q, id] as const))).then((all) =>
      all.flat(),
    );
  const [chatIds, inviteIds, monitoredIds, waitingIds, avail, offlineIds] = await Promise.all([
    lists.read('chats', agent.id),
    lists.read('invites', agent.id),
    inQueues('active'),
    inQueues('waiting'),
    availabilities(ctx),
    inQueues('offline'),
  ]);
  // An invite's id names its chat: the chat's view holds the invite as it stands now.
  const invited = inviteIds.flatMap((id) => {
    const sessionId = inviteSessionId(id);
    return sessionId ? [{ id, sessionId }] : [];
  });
  const views = new Map<string, SessionView>();
  await Promise.all(
    [
      ...new Set([
        ...chatIds,
        ...monitoredIds.map(([, id]) => id),
        ...waitingIds.map(([, id]) => id),
        ...offlineIds.map(([, id]) => id),
        ...invited.map((i) => i.sessionId),
      ]),
    ].map(async (id) => {
      const v = await sessionView(ctx, id).catch(() => undefined);
      if (v) views.set(id, v);
    }),
  );
  const stale: Array<[string, Omit<Listing, 'score'>]> = [];
  const check = (id: string, seen: Omit<Listing, 'score'>, ok: (v: SessionView) => boolean): SessionView[] => {
    const v = views.get(id);
    if (v && ok(v)) return [v];
    stale.push([id, seen]);
    return [];
  };
  const open = (v: SessionView) => v.session.status !== 'ended';
  const chats = chatIds.flatMap((id) =>
    check(
      id,
      { list: 'chats', of: agent.id, item: id },
      (v) => open(v) && v.members.some((m) => m.agentId === agent.id),
    ),
  );
  const monitoring = monitoredIds.flatMap(([q, id]) =>
    check(
      id,
      { list: 'active', of: q, item: id },
      (v) => v.session.status === 'active' && isSupervisorOf(agent, v.session.queueId),
    ),
  );
  const waiting = waitingIds
    .flatMap(([q, id]) =>
      check(
        id,
        { list: 'waiting', of: q, item: id },
        (v) => v.session.status === 'waiting' && isSupervisorOf(agent, v.session.queueId),
      ),
    )
    .sort((a, b) => a.session.createdAt - b.session.createdAt);
  const offline = offlineIds
    .flatMap(([q, id]) =>
      check(
        id,
        { list: 'offline', of: q, item: id },
        (v) => v.session.status === 'offline' && isSupervisorOf(agent, v.session.queueId),
      ),
    )
    .sort((a, b) => a.session.createdAt - b.session.createdAt);
  const pending = invited.flatMap((i) => {
    const now = views.get(i.sessionId)?.invites.find((x) => x.id === i.id);
    if (now?.status === 'pending' && now.inviteeId === agent.id) return [{ i: now, v: views.get(i.sessionId)! }];
    stale.push([i.sessionId, { list: 'invites', of: agent.id, item: i.id }]);
    return [];
  });
  for (const [id, seen] of stale) void lists.reindex(id, seen).catch(() => undefined);
  const [invites, today, canned] = await Promise.all([
    Promise.all(pending.map(({ i, v }) => inviteView(ctx, i, v))),
    todayOf(ctx, agent),
    ctx.store.canned.list(agent.id),
  ]);
  return {
    agent,
    available: avail.of(agent.id).state === 'available',
    availabilitySource: avail.of(agent.id).source,
    invites,
    chats,
    monitoring,
    waiting,
    ...(offline.length > 0 ? { offline } : {}),
    ...(today ? { today } : {}),
    canned,
  };
}

/** A supervisor's Today (README "The record"): none without a record; `unavailable` when it cannot be read now. */
async function todayOf(ctx: AppContext, agent: Agent): Promise<HomeView['today']> {
  if (!isSupervisor(agent) || ctx.record.backend === 'none') return undefined;
  return todayFor(ctx, agent).catch((err: Error) => {
    ctx.log.debug({ err: err.message }, 'record: no Today for a home');
    return 'unavailable' as const;
  });
}

/** A supervisor's monitoring list: the help requests to them, and the waiting and the active chats of the queues they supervise. */
export async function monitoringView(
  ctx: AppContext,
  agent: Agent,
): Promise<{ active: SessionView[]; waiting: SessionView[]; offline?: SessionView[]; help: InviteView[] }> {
  if (!isSupervisor(agent)) throw Refused.of('not_supervisor', undefined, 'not_supervisor.view');
  const home = await homeView(ctx, agent);
  return {
    active: home.monitoring,
    waiting: home.waiting,
    ...(home.offline ? { offline: home.offline } : {}),
    help: home.invites.filter((iv) => iv.invite.kind === 'help'),
  };
}
