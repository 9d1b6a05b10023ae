/** Every surface Switchboard draws, from fixed data: what the renderer tests and the wording test go through. */

import type { ChatHistory } from '../../src/app/record/history.js';
import { type TodayRow, zeros } from '../../src/app/record/reports.js';
import { cannedEditor, cannedForm, type Filled } from '../../src/app/surfaces/canned.js';
import { entryLine, lineContext } from '../../src/app/surfaces/entryLines.js';
import { askSurface, helpSurface } from '../../src/app/surfaces/help.js';
import { homeSurface, monitoringSurface } from '../../src/app/surfaces/home.js';
import {
  anyoneOption,
  candidateOptions,
  inviteCard,
  inviteDetailsSurface,
  inviteForm,
  rejectForm,
  threadLine,
} from '../../src/app/surfaces/invites.js';
import { assistForm, endForm, promoteForm, transferForm } from '../../src/app/surfaces/lifecycle.js';
import { escalationCard } from '../../src/app/surfaces/queue.js';
import { historySurface, reportSurface } from '../../src/app/surfaces/record.js';
import { rootSurface } from '../../src/app/surfaces/root.js';
import { line, type Surface, withNotice } from '../../src/app/surfaces/surface.js';
import { words } from '../../src/app/wording/index.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';
import {
  activeView,
  agentsById,
  alice,
  bob,
  bobHomeAway,
  carol,
  carolHome,
  endedView,
  inviteViews,
  MAX_RESENDS,
  MIN,
  NOW,
  otherActive,
  recent,
  T0,
  waitingView,
} from './fixtures.js';

const at = T0 + 10 * MIN;
/** What the active chat's lines are drawn with. */
export const activeLines = {
  ...lineContext(activeView, (id) => agentsById.get(id)),
  queueName: (id: string) => (id === 'hr' ? 'HR' : undefined),
};
export const entries: Record<string, TranscriptEntry> = {
  user: recent[2]!,
  agent: recent[1]!,
  monitor: {
    id: `${at}-1`,
    kind: 'message',
    ts: at,
    visibility: 'agents',
    author: 'agent',
    agentId: 'carol',
    authorName: 'Carol',
    text: 'psst',
  },
  note: {
    id: `${at}-2`,
    kind: 'message',
    ts: at,
    visibility: 'private',
    author: 'agent',
    agentId: 'alice',
    authorName: 'Alice',
    text: 'VIP customer',
  },
  system: {
    id: `${at}-3`,
    kind: 'message',
    ts: at,
    visibility: 'public',
    author: 'system',
    text: 'The customer reconnected.',
  },
  file: {
    id: `${at}-4`,
    kind: 'message',
    ts: at,
    visibility: 'public',
    author: 'agent',
    agentId: 'alice',
    text: 'the log',
    file: { id: 'F0LOG', name: 'app (1).log', size: 2048 },
  },
  edit: {
    id: `${at}-5`,
    kind: 'edit',
    ts: at,
    visibility: 'public',
    targetId: recent[1]!.id,
    text: 'Hello Jane, checking now.',
  },
  delete: { id: `${at}-6`, kind: 'delete', ts: at, visibility: 'public', targetId: recent[1]!.id },
  joined: {
    id: `${at}-7`,
    kind: 'participant',
    ts: at,
    visibility: 'public',
    agentId: 'bob',
    name: 'Bob',
    mode: 'participant',
    action: 'joined',
    via: 'supervisor',
  },
  left: {
    id: `${at}-8`,
    kind: 'participant',
    ts: at,
    visibility: 'public',
    agentId: 'bob',
    name: 'Bob',
    mode: 'participant',
    action: 'left',
  },
  promoted: {
    id: `${at}-9`,
    kind: 'participant',
    ts: at,
    visibility: 'public',
    agentId: 'carol',
    name: 'Carol',
    mode: 'participant',
    action: 'promoted',
  },
  released: { id: `${at}-10`, kind: 'event', ts: at, visibility: 'agents', event: 'released', by: 'alice' },
  moved: { id: `${at}-11`, kind: 'event', ts: at, visibility: 'agents', event: 'moved', by: 'alice', about: 'hr' },
  helpAsked: {
    id: `${at}-12`,
    kind: 'event',
    ts: at,
    visibility: 'agents',
    event: 'help.asked',
    by: 'bob',
    note: 'Refund over the <limit>',
  },
  helpWithdrawn: { id: `${at}-13`, kind: 'event', ts: at, visibility: 'agents', event: 'help.withdrawn', by: 'bob' },
  rated: {
    id: `${at}-14`,
    kind: 'event',
    ts: at,
    visibility: 'agents',
    event: 'rated',
    score: 4,
    note: 'Quick and <kind>',
  },
  ratedBare: { id: `${at}-15`, kind: 'event', ts: at, visibility: 'agents', event: 'rated', score: 2 },
  responseLate: {
    id: `${at}-16`,
    kind: 'event',
    ts: at,
    visibility: 'agents',
    event: 'response.late',
    by: 'alice',
    about: 'first',
    waited: 245,
    target: 240,
  },
  responseLateNext: {
    id: `${at}-17`,
    kind: 'event',
    ts: at,
    visibility: 'agents',
    event: 'response.late',
    by: 'alice',
    about: 'next',
    waited: 65,
    target: 60,
  },
  responseOverdue: {
    id: `${at}-18`,
    kind: 'event',
    ts: at,
    visibility: 'agents',
    event: 'response.overdue',
    by: 'alice',
    about: 'next',
    from: 'hr',
    waited: 125,
    target: 60,
  },
};

/** Canned replies offered in the active chat, their placeholders filled. */
const cannedReplies: Filled[] = [
  {
    shortcut: 'hello',
    title: 'Greeting',
    text: 'Hi {user.name}, {agent.name} here.',
    filled: 'Hi Jane Doe, Alice here.',
    source: 'queue',
  },
  {
    shortcut: 'vpn',
    title: 'VPN reset <steps>',
    text: '1. Open *Settings*\n2. Reset the VPN profile\n3. Sign in again',
    filled: '1. Open *Settings*\n2. Reset the VPN profile\n3. Sign in again',
    source: 'queue',
  },
  {
    shortcut: 'bye',
    title: 'Goodbye',
    text: 'Thanks for contacting {queue.name}!',
    filled: 'Thanks for contacting IT Support!',
    source: 'personal',
  },
];
const manyCanned: Filled[] = Array.from({ length: 30 }, (_, i) => ({
  shortcut: `c${i}`,
  title: `Reply ${i}`,
  text: `Text ${i} `.repeat(30),
  filled: `Text ${i} `.repeat(30),
  source: 'queue' as const,
}));
const withOutcomes = {
  ...activeView,
  queue: { ...activeView.queue, outcomes: ['resolved', 'escalated', 'duplicate'] },
};

/** A message left while nobody was there (README "Offline messages"). */
export const offlineView = {
  ...waitingView,
  session: {
    ...waitingView.session,
    status: 'offline' as const,
    verified: false,
    endUser: { name: 'Olga Ortiz', email: 'olga@customer.example' },
  },
  emails: true,
};
/** A verified end user, with the page and the attributes the queue shows. */
const verifiedView = {
  ...waitingView,
  queue: { ...waitingView.queue, context: ['plan', 'account'] },
  session: {
    ...waitingView.session,
    verified: true,
    endUser: { ...waitingView.session.endUser, id: 'emp-42' },
    context: {
      pageUrl: 'https://intranet.example/help?q=(vpn)',
      attributes: { plan: 'Enterprise <gold>', account: 'ACME-7' },
    },
  },
};

/** Today in Carol's queues: one with numbers, one without. */
export const today: TodayRow[] = [
  {
    queue: 'it-support',
    name: 'IT Support',
    tz: 'Europe/Berlin',
    numbers: {
      ...zeros(),
      offered: 12,
      answered: 10,
      unanswered: 1,
      abandoned: 1,
      transferred: 2,
      released: 1,
      waitSeconds: { p50: 45, p90: 190.5 },
      firstResponseSeconds: { p50: 62, p90: 300 },
      handleSeconds: { p50: 3725, p90: 5400 },
      helpRequests: 1,
      rating: { average: 4.25, count: 4 },
    },
  },
  { queue: 'hr', name: 'HR', tz: 'UTC', numbers: zeros() },
];
const history: ChatHistory = {
  chat: {
    session: { ...endedView.session, history: undefined, endedBy: 'alice' },
    tokenHash: 'h',
    mirrors: [],
    rating: { score: 4, comment: 'Thanks <3', at: T0 + 9 * MIN },
  },
  entries: [recent[0]!, recent[1]!, entries.monitor!, entries.rated!],
};

const manyQueues = Array.from({ length: 120 }, (_, i) => ({
  id: `q${i}`,
  name: `Queue ${i}`,
  routing: 'manual' as const,
  settings: {},
}));

const candidates = [
  { agent: bob, verdict: { ok: true as const } },
  { agent: carol, verdict: { ok: false as const, code: 'away' }, reason: 'Carol is Away.' },
];

export function allSurfaces(): Array<[string, Surface]> {
  const lookup = (id: string) => agentsById.get(id);
  return [
    ['root waiting', rootSurface(waitingView, { shared: true })],
    ['root active, channel', rootSurface(activeView, { shared: true })],
    ["root active, a monitor's copy", rootSurface(activeView, { agentId: 'carol' })],
    ['root ended', rootSurface(endedView, { shared: true })],
    [
      'root, chatted before',
      rootSurface(
        {
          ...waitingView,
          session: { ...waitingView.session, history: { count: 3, lastRef: 'P4RT2Z', lastAt: T0 - 86_400_000 } },
        },
        { shared: true },
      ),
    ],
    [
      'root, chatted once before',
      rootSurface(
        {
          ...waitingView,
          session: { ...waitingView.session, history: { count: 1, lastRef: 'P4RT2Z', lastAt: T0 - 86_400_000 } },
        },
        { shared: true },
      ),
    ],
    ...Object.entries(inviteViews).map(([name, iv]): [string, Surface] => [`invite card ${name}`, inviteCard(iv, NOW)]),
    ...Object.entries(inviteViews).flatMap(([name, iv]): Array<[string, Surface]> => {
      const said = threadLine(iv);
      return said ? [[`invite line ${name}`, said.surface]] : [];
    }),
    ['invite details', inviteDetailsSurface(activeView, lookup, alice.id, MAX_RESENDS)],
    ['invite details, none', inviteDetailsSurface({ ...activeView, invites: [] }, lookup, alice.id, MAX_RESENDS)],
    ['invite form', inviteForm(activeView)],
    [
      'invite form with matches',
      inviteForm(activeView, { query: 'b', mode: 'monitor', options: candidateOptions(candidates) }),
    ],
    ['invite form, no match', inviteForm(activeView, { query: 'zzz', options: [] })],
    [
      'invite form, anyone first',
      inviteForm(activeView, { options: [anyoneOption(activeView), ...candidateOptions(candidates)] }),
    ],
    ['reject form', rejectForm(inviteViews.pendingParticipant)],
    [
      'transfer form',
      transferForm(activeView, [activeView.queue, { id: 'hr', name: 'HR', routing: 'manual', settings: {} }], {
        options: candidateOptions(candidates, 'transfer'),
      }),
    ],
    [
      'transfer form, 120 queues, filled in',
      transferForm(activeView, [activeView.queue, ...manyQueues], {
        options: candidateOptions(candidates, 'transfer'),
        note: 'Needs a Spanish speaker',
        queueId: 'q7',
      }),
    ],
    ['assist form', assistForm(activeView)],
    ['promote form', promoteForm(activeView)],
    ['home, supervisor', homeSurface(carolHome)],
    ['home, supervisor with Today', homeSurface({ ...carolHome, today })],
    ['home, Today unavailable', homeSurface({ ...carolHome, today: 'unavailable' })],
    ['report', reportSurface(today, NOW)],
    ['report, no queue', reportSurface([], NOW)],
    [
      'history',
      historySurface(history, {
        queueName: (id) => (id === 'it-support' ? 'IT Support' : id),
        agent: (id) => agentsById.get(id),
        publicUrl: 'https://switchboard.example.com',
      }),
    ],
    ['home, away agent', homeSurface(bobHomeAway)],
    [
      'monitoring',
      monitoringSurface(
        { active: [activeView, otherActive], waiting: [waitingView], help: [inviteViews.helpPending] },
        'carol',
      ),
    ],
    [
      'escalation card, waiting',
      escalationCard({ ...waitingView, session: { ...waitingView.session, escalatedAt: T0 + 3 * MIN } }),
    ],
    ['escalation card, taken', escalationCard(activeView)],
    ['monitoring, none', monitoringSurface({ active: [] }, 'carol')],
    ['help', helpSurface('/chat')],
    ['ask', askSurface('L1', 'invite bob to look', 'K7Q2XD')],
    ...Object.entries(entries).map(([name, e]): [string, Surface] => [`line ${name}`, entryLine(e, activeLines)!]),
    ['line in a 1:1', entryLine(entries.user!, activeLines, { inChat: true })!],
    ['notice', line(words('notice.monitorReply'))],
    ['canned picker', cannedForm(activeView, cannedReplies, { command: ['/chat canned add'] })],
    [
      'canned picker, one chosen (preview)',
      cannedForm(activeView, cannedReplies, { chosen: 'vpn', command: ['/chat canned add'] }),
    ],
    [
      'canned picker, thirty replies',
      cannedForm(activeView, manyCanned, { chosen: 'c7', command: ['/chat canned add'] }),
    ],
    ['canned picker, none', cannedForm(activeView, [], { command: ['/chat canned add'] })],
    ['canned picker, no match', cannedForm(activeView, [], { query: 'refund', command: ['/chat canned add'] })],
    ['canned editor', cannedEditor()],
    [
      'canned editor, filled in',
      cannedEditor({ shortcut: 'bye', title: 'Goodbye', text: 'Thanks for contacting {queue.name}!\nBye {user.name}' }),
    ],
    [
      'home with canned replies',
      homeSurface({
        ...bobHomeAway,
        canned: cannedReplies.map(({ shortcut, title, text }) => ({ shortcut, title, text })),
      }),
    ],
    ['home, no canned replies', homeSurface({ ...bobHomeAway, canned: [] })],
    ['end form', endForm(withOutcomes)],
    ['end form, filled in', endForm(withOutcomes, { outcome: 'escalated', note: 'Sent to <L2>' })],
    ['root active, queue with outcomes', rootSurface(withOutcomes, { shared: true })],
    [
      'root ended with an outcome',
      rootSurface(
        {
          ...endedView,
          session: { ...endedView.session, outcome: 'resolved', outcomeNote: 'Reset the *VPN* profile' },
        },
        { shared: true },
      ),
    ],
    [
      'root ended idle',
      rootSurface(
        { ...endedView, session: { ...endedView.session, endReason: 'idle', endedBy: 'system' } },
        { shared: true },
      ),
    ],
    [
      'line ended idle',
      entryLine(
        { id: `${at}-20`, kind: 'status', ts: at, visibility: 'public', status: 'ended' },
        { ...activeLines, session: { ...activeLines.session, endReason: 'idle' } },
      )!,
    ],
    // End users (README "Verified end users", "Context", "Offline messages") and availability.
    ['root, offline message', rootSurface(offlineView, { shared: true })],
    ['root, offline message, no email set up', rootSurface({ ...offlineView, emails: false }, { shared: true })],
    [
      'root, an offline message replied to',
      rootSurface(
        { ...offlineView, session: { ...offlineView.session, status: 'active', ownerId: 'alice', offline: true } },
        { shared: true },
      ),
    ],
    ['root, verified with context', rootSurface(verifiedView, { shared: true })],
    ['home, supervisor with offline messages', homeSurface({ ...carolHome, offline: [offlineView] })],
    ['home, Away by presence', homeSurface({ ...bobHomeAway, availabilitySource: 'slack' })],
    ['home, Available by presence', homeSurface({ ...bobHomeAway, available: true, availabilitySource: 'teams' })],
    ['monitoring with offline messages', monitoringSurface({ active: [activeView], offline: [offlineView] }, 'carol')],
    ['notice, queues paused', line(words('notice.queues_paused', { queues: 'IT Support, HR' }))],
    ['notice, queues resumed', line(words('notice.queues_resumed', { queues: 'IT Support, HR' }))],
    [
      'notice on a card',
      withNotice(inviteCard(inviteViews.pendingParticipant, NOW), words('refusal.not_invitee'), 'attention'),
    ],
  ];
}
