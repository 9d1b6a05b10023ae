/** Plain-data fixtures for builder tests: fixed ids and timestamps, no store. */
import type { Delivery } from '../../src/app/delivery/delivery.js';
import type { HomeView, InviteView, MemberView, SessionView } from '../../src/app/views.js';
import { type Agent, Directory, directorySchema, type Queue } from '../../src/domain/directory.js';
import type { Invite, InviteMode, InviteStatus } from '../../src/domain/invite.js';
import type { Session } from '../../src/domain/session.js';
import type { MessageEntry } from '../../src/domain/transcript.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';

/** 2026-01-15 09:30:00 UTC */
export const T0 = Date.UTC(2026, 0, 15, 9, 30, 0);
export const MIN = 60_000;
export const TTL = 2 * MIN;
export const MAX_RESENDS = 3;
export const PUBLIC_URL = 'https://switchboard.example.com';

export const directory = new Directory(
  directorySchema(DIRECTORY_SECTIONS).parse({
    queues: [
      { id: 'it-support', name: 'IT Support', slack: { channel: 'C0ITSUPPORT' } },
      { id: 'hr', name: 'HR Questions' },
    ],
    agents: [
      {
        id: 'alice',
        firstName: 'Alice',
        lastName: 'Ng',
        email: 'alice@example.com',
        permissions: ['ESChat_Agent'],
        roles: ['agent'],
        queues: ['it-support'],
        slack: { userId: 'U0ALICE' },
      },
      {
        id: 'bob',
        firstName: 'Bob',
        lastName: 'Martin',
        email: 'bob@example.com',
        permissions: ['ESChat_Agent'],
        roles: ['agent'],
        queues: ['it-support', 'hr'],
        slack: { userId: 'U0BOB' },
      },
      {
        id: 'carol',
        firstName: 'Carol',
        lastName: 'Lefèvre',
        email: 'carol@example.com',
        permissions: ['ESChat_Agent'],
        roles: ['agent', 'supervisor'],
        queues: ['it-support', 'hr'],
        slack: { userId: 'U0CAROL' },
      },
    ],
  }),
);

const must = (a: Agent | undefined): Agent => {
  if (!a) throw new Error('fixture agent missing');
  return a;
};
export const alice = must(directory.agent('alice'));
export const bob = must(directory.agent('bob'));
export const carol = must(directory.agent('carol'));
export const itSupport: Queue = directory.queue('it-support')!;
export const agentsById = new Map(directory.agents.map((a) => [a.id, a]));

export const SESSION_ID = 'sess_K7Q2XD00000';

export const activeSession: Session = {
  id: SESSION_ID,
  ref: 'K7Q2XD',
  queueId: 'it-support',
  status: 'active',
  endUser: { name: 'Jane Doe', email: 'jane@customer.example' },
  ownerId: 'alice',
  createdAt: T0,
  acceptedAt: T0 + MIN,
};

export const member = (
  agent: Agent,
  mode: MemberView['mode'],
  joinedAt: number,
  via: MemberView['via'],
): MemberView => ({ agentId: agent.id, mode, joinedAt, via, agent });

export const recent: MessageEntry[] = [
  {
    id: `${T0}-0`,
    kind: 'message',
    ts: T0,
    visibility: 'public',
    author: 'user',
    text: 'Hi, my VPN is down since this morning.',
  },
  {
    id: `${T0 + MIN}-0`,
    kind: 'message',
    ts: T0 + MIN,
    visibility: 'public',
    author: 'agent',
    agentId: 'alice',
    authorName: 'Alice Ng',
    text: 'Hello Jane, let me check.',
  },
  {
    id: `${T0 + 2 * MIN}-0`,
    kind: 'message',
    ts: T0 + 2 * MIN,
    visibility: 'public',
    author: 'user',
    text: 'Thanks! Error is <!channel> & <@U123>',
  },
];

export function invite(over: Partial<Invite> & { status: InviteStatus; mode?: InviteMode }): Invite {
  const id = over.id ?? `inv_${over.status}`;
  return {
    id,
    sessionId: SESSION_ID,
    inviterId: 'alice',
    inviteeId: 'bob',
    mode: 'participant',
    kind: 'invite',
    attempt: 1,
    rootId: id,
    createdAt: T0 + 3 * MIN,
    expiresAt: T0 + 3 * MIN + TTL,
    ...(over.status !== 'pending' ? { respondedAt: T0 + 4 * MIN } : {}),
    ...over,
  };
}

export const invites: Invite[] = [
  invite({ status: 'accepted', inviteeId: 'carol', mode: 'monitor' }),
  invite({ status: 'rejected' }),
  invite({
    status: 'pending',
    id: 'inv_resent',
    attempt: 2,
    rootId: 'inv_rejected',
    previousId: 'inv_rejected',
    createdAt: T0 + 5 * MIN,
    expiresAt: T0 + 5 * MIN + TTL,
  }),
];

export function sessionView(over: Partial<SessionView> & { session?: Session } = {}): SessionView {
  return {
    session: activeSession,
    queue: itSupport,
    owner: alice,
    members: [member(alice, 'owner', T0 + MIN, 'accept'), member(carol, 'monitor', T0 + 4 * MIN, 'invite')],
    invites,
    // Dave supervises the queue too, and is not in the chat: someone to ask for help.
    supervisors: ['carol', 'dave'],
    agents: ['alice', 'bob', 'carol', 'dave'],
    recent,
    publicUrl: PUBLIC_URL,
    ...over,
  };
}

export const activeView = sessionView();
export const waitingView = sessionView({
  session: {
    id: SESSION_ID,
    ref: 'K7Q2XD',
    queueId: 'it-support',
    status: 'waiting',
    endUser: { name: 'Jane Doe', email: 'jane@customer.example' },
    createdAt: T0,
  },
  owner: undefined,
  members: [],
  invites: [],
  recent: recent.slice(0, 1),
});
export const endedView = sessionView({
  session: { ...activeSession, status: 'ended', endedAt: T0 + 30 * MIN, endedBy: 'alice' },
  invites: invites.map((i) =>
    i.status === 'pending' ? { ...i, status: 'cancelled' as const, respondedAt: T0 + 30 * MIN } : i,
  ),
});

/** `now` for invite cards: one minute after the invite was sent, before expiry. */
export const NOW = T0 + 6 * MIN;

export function inviteView(inv: Invite, view: SessionView = activeView): InviteView {
  return {
    invite: inv,
    view,
    inviter: agentsById.get(inv.inviterId),
    invitee: agentsById.get(inv.inviteeId)!,
    maxResends: MAX_RESENDS,
    agent: (id) => agentsById.get(id),
  };
}

/** One InviteView per invite status (participant mode unless named otherwise). */
/** An invite of a group, seen in a chat that holds the whole group. */
function inGroup(inv: Invite, ...others: Invite[]): InviteView {
  return inviteView(inv, sessionView({ invites: [inv, ...others] }));
}

export const inviteViews = {
  pendingParticipant: inviteView(
    invite({ status: 'pending', id: 'inv_pp', createdAt: T0 + 5 * MIN, expiresAt: T0 + 5 * MIN + TTL }),
  ),
  pendingMonitor: inviteView(
    invite({
      status: 'pending',
      id: 'inv_pm',
      mode: 'monitor',
      createdAt: T0 + 5 * MIN,
      expiresAt: T0 + 5 * MIN + TTL,
    }),
  ),
  resent: inviteView(invites[2]!),
  accepted: inviteView(invite({ status: 'accepted' })),
  acceptedMonitor: inviteView(invites[0]!),
  rejected: inviteView(invite({ status: 'rejected' })),
  expired: inviteView(invite({ status: 'expired', respondedAt: T0 + 3 * MIN + TTL })),
  unreached: inviteView(invite({ status: 'expired', id: 'inv_unreached', unreached: true, respondedAt: T0 + 3 * MIN })),
  cancelled: inviteView(invite({ status: 'cancelled' }), endedView),
  rejectedResent: inviteView(invite({ status: 'rejected', resentAs: 'inv_resent' })),
  rejectedAtLimit: inviteView(invite({ status: 'rejected', attempt: MAX_RESENDS + 1 })),
  withNote: inviteView(
    invite({
      status: 'pending',
      id: 'inv_note',
      note: 'Knows the <VPN> & the firewall',
      createdAt: T0 + 5 * MIN,
      expiresAt: T0 + 5 * MIN + TTL,
    }),
  ),
  rejectedWithReason: inviteView(invite({ status: 'rejected', id: 'inv_why', reason: 'In a call until 3' })),
  anyonePending: inGroup(
    invite({ status: 'pending', id: 'inv_any', group: 'grp1', createdAt: T0 + 5 * MIN, expiresAt: T0 + 5 * MIN + TTL }),
    invite({ status: 'pending', id: 'inv_any3', inviteeId: 'dan', group: 'grp1' }),
  ),
  anyoneTaken: inGroup(
    invite({ status: 'cancelled', id: 'inv_any2', group: 'grp1', takenBy: 'dan' }),
    invite({ status: 'accepted', id: 'inv_any4', inviteeId: 'dan', group: 'grp1' }),
  ),
  anyoneNobody: inGroup(
    invite({ status: 'expired', id: 'inv_any5', group: 'grp3' }),
    invite({ status: 'rejected', id: 'inv_any6', inviteeId: 'dan', group: 'grp3' }),
  ),
  offerPending: inviteView(
    invite({
      status: 'pending',
      id: 'inv_offer',
      kind: 'transfer',
      note: 'Going home, thanks!',
      createdAt: T0 + 5 * MIN,
      expiresAt: T0 + 5 * MIN + TTL,
    }),
  ),
  offerAccepted: inviteView(invite({ status: 'accepted', id: 'inv_offer2', kind: 'transfer' })),
  offerDeclined: inviteView(invite({ status: 'rejected', id: 'inv_offer3', kind: 'transfer' })),
  helpPending: inGroup(
    invite({
      status: 'pending',
      id: 'inv_help',
      kind: 'help',
      inviteeId: 'carol',
      group: 'grp2',
      note: 'Refund over the limit',
      createdAt: T0 + 5 * MIN,
      expiresAt: T0 + 5 * MIN + TTL,
    }),
  ),
  helpWithdrawn: inGroup(
    invite({ status: 'cancelled', id: 'inv_help2', kind: 'help', inviteeId: 'carol', group: 'grp2' }),
  ),
  helpAnswered: inGroup(
    invite({ status: 'accepted', id: 'inv_help3', kind: 'help', inviteeId: 'carol', group: 'grp4' }),
  ),
};

/** Carol (supervisor) has a pending invite, is monitoring one chat and sees two active chats. */
export const otherActive = sessionView({
  session: { ...activeSession, id: 'sess_OTHER000000', ref: 'P3M9RT', endUser: { name: 'Max Power' }, ownerId: 'bob' },
  owner: bob,
  members: [member(bob, 'owner', T0, 'accept')],
  invites: [],
  recent: [],
});

export const carolHome: HomeView = {
  agent: carol,
  available: true,
  invites: [
    inviteView(
      invite({
        status: 'pending',
        id: 'inv_carol',
        inviteeId: 'carol',
        mode: 'participant',
        createdAt: T0 + 5 * MIN,
        expiresAt: T0 + 5 * MIN + TTL,
      }),
      otherActive,
    ),
  ],
  chats: [activeView],
  monitoring: [activeView, otherActive],
  waiting: [waitingView],
};

export const bobHomeAway: HomeView = {
  agent: bob,
  available: false,
  invites: [],
  chats: [],
  monitoring: [],
  waiting: [],
};

/** A top-level card of one line, as the delivery engine queues it (id = its ref). */
export const cardDelivery = (id: string, text: string): Delivery => ({
  id,
  sessionId: 's1',
  op: 'top',
  ref: id,
  surface: { blocks: [{ type: 'text', text: [text] }], fallback: [text] },
  prio: 0,
  keep: false,
  counted: false,
});
