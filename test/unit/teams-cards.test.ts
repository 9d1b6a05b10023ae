import type { ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AdaptiveCard, ALL_VERBS, entryText, escapeTeamsMarkdown, helpCard, homeCard, inviteCard, inviteDetailsCard,
  inviteOutcomeCard, inviteSearchCard, monitoringCard, noticeCard, sessionCard, truncate, VERBS,
} from '../../adapters/teams/cards/index.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';
import { adaptiveCardValidator } from '../support/adaptiveCardSchema.js';
import { haveSpecs, readSpec, specsDir } from '../support/specs.js';
import {
  activeSession, activeView, activeWithInvites, agentById, alice, bob, carol, dave, endedView, home, invite, inviteView,
  MAX_RESENDS, MODES, NOW, sessionView, STATUSES, T0, waitingView,
} from '../support/teamsFixtures.js';

// ---- helpers ----

type Json = Record<string, unknown>;

/** Every action anywhere in a card (card actions, ActionSets, fallbacks excluded, refresh excluded). */
function actionsOf(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => actionsOf(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && k !== 'refresh') actionsOf(v, out);
  }
  return out;
}
const verbsOf = (c: AdaptiveCard): string[] => actionsOf(c).map((a) => String(a.verb));

/** All TextBlock texts and fact values, joined. */
function textOf(node: unknown): string {
  const parts: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Json;
      if (o.type === 'TextBlock' && typeof o.text === 'string') parts.push(o.text);
      if (typeof o.title === 'string' && typeof o.value === 'string' && !o.type) parts.push(`${o.title}: ${o.value}`);
      Object.values(o).forEach(walk);
    }
  };
  walk(node);
  return parts.join('\n');
}

// ---- every card we can build, for schema validation ----

const allCards = (): Array<[string, AdaptiveCard]> => [
  ['session waiting', sessionCard(waitingView)],
  ['session active', sessionCard(activeView)],
  ['session active with invites', sessionCard(activeWithInvites)],
  ['session ended', sessionCard(endedView)],
  ['invite details', inviteDetailsCard(activeWithInvites, { agents: agentById, maxResends: MAX_RESENDS })],
  ['invite details empty', inviteDetailsCard(activeView)],
  ...STATUSES.flatMap((s) => MODES.map((m): [string, AdaptiveCard] => [`invite ${s} ${m}`, inviteCard(inviteView(invite(s, { mode: m })), NOW)])),
  ...STATUSES.map((s): [string, AdaptiveCard] => [`outcome ${s}`, inviteOutcomeCard(inviteView(invite(s)))]),
  ['outcome resent', inviteOutcomeCard(inviteView(invite('pending', { attempt: 2 })))],
  ['search', inviteSearchCard(activeView, 'b', [{ agent: bob, verdict: { ok: true } }, { agent: carol, verdict: { ok: false, code: 'away', message: 'Carol is Away.' } }])],
  ['search empty', inviteSearchCard(activeView, 'zzz', [])],
  ['monitoring', monitoringCard(home.monitoring, 'carol')],
  ['monitoring empty', monitoringCard([])],
  ['home', homeCard(home)],
  ['home away, nothing', homeCard({ agent: bob, available: false, invites: [], chats: [], monitoring: [] })],
  ['help', helpCard()],
  ['notice', noticeCard('Invite sent to *Bob*.')],
];

describe.skipIf(!haveSpecs)(`Adaptive Card 1.5 schema (${specsDir})`, () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    expect(readSpec<{ $schema: string }>('adaptive-card-1.5.schema.json').$schema).toBe('http://json-schema.org/draft-06/schema#');
    validate = adaptiveCardValidator()!;
  });

  it.each(allCards())('%s validates', (_name, c) => {
    const ok = validate(c);
    expect(ok ? [] : validate.errors?.slice(0, 5)).toEqual([]);
  });

  it('rejects an invalid card (the validator is really checking)', () => {
    expect(validate({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock' }] })).toBe(false);
    expect(validate({ type: 'AdaptiveCard', version: '1.5', body: [], bogus: 1 })).toBe(false);
  });
});

describe('card structure', () => {
  it.each(allCards())('%s: every interactive action is Action.Execute with an Action.Submit fallback carrying the verb', (_n, c) => {
    expect(c.type).toBe('AdaptiveCard');
    expect(c.version).toBe('1.5');
    for (const a of actionsOf(c)) {
      expect(a.type).toBe('Action.Execute');
      expect(ALL_VERBS).toContain(a.verb);
      expect((a.data as Json).verb).toBe(a.verb);
      const fb = a.fallback as Json;
      expect(fb.type).toBe('Action.Submit');
      expect(fb.title).toBe(a.title);
      expect(fb.data).toEqual(a.data);
    }
  });

  it.each(allCards())('%s: stays well under the Teams card size limit', (_n, c) => {
    expect(JSON.stringify(c).length).toBeLessThan(28_000);
  });
});

describe('escapeTeamsMarkdown', () => {
  it('escapes markdown punctuation and HTML', () => {
    expect(escapeTeamsMarkdown('*b* _i_ ~s~ `c` # h > q [l](http://x) \\')).toBe(
      '\\*b\\* \\_i\\_ \\~s\\~ \\`c\\` \\# h &gt; q \\[l\\](http://x) \\\\',
    );
    expect(escapeTeamsMarkdown('<at>everyone</at> & <b>x</b>')).toBe('&lt;at&gt;everyone&lt;/at&gt; &amp; &lt;b&gt;x&lt;/b&gt;');
  });
  it('neutralises list markers and card date functions', () => {
    expect(escapeTeamsMarkdown('- a\n+ b\n1. c')).toBe('\\- a\n\\+ b\n1\\. c');
    expect(escapeTeamsMarkdown('{{DATE(2017-02-14T06:08:39Z, SHORT)}}')).not.toMatch(/\{\{DATE\(/);
  });
  it('leaves plain text alone', () => {
    expect(escapeTeamsMarkdown('Hello, world. It is 3-4 pm!')).toBe('Hello, world. It is 3-4 pm!');
  });
  it('truncate cuts on code points with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(Array.from(truncate('😀'.repeat(10), 5))).toHaveLength(5);
  });
});

describe('sessionCard', () => {
  it('waiting: Accept only', () => {
    expect(verbsOf(sessionCard(waitingView))).toEqual([VERBS.accept]);
  });
  it('active without invites: Invite and End chat, no counter', () => {
    const c = sessionCard(activeView);
    expect(verbsOf(c)).toEqual([VERBS.invite, VERBS.end]);
    expect(textOf(c)).not.toContain('+');
  });
  it('active with invites: counter +N and Invites', () => {
    const c = sessionCard(activeWithInvites);
    expect(verbsOf(c)).toEqual([VERBS.invite, VERBS.end, VERBS.invites]);
    expect(textOf(c)).toContain('**+4** invites, 1 pending');
    for (const a of actionsOf(c)) expect((a.data as Json).sessionId).toBe('sess-1');
  });
  it('ended: no actions', () => {
    const c = sessionCard(endedView);
    expect(actionsOf(c)).toEqual([]);
    expect(c.actions).toBeUndefined();
  });
  it('escapes the end user name and email', () => {
    const v = sessionView({ ...activeSession, endUser: { name: '<at>Alice</at> [click](http://evil)', email: 'a_b@x.test' } });
    const t = textOf(sessionCard(v));
    expect(t).not.toContain('<at>');
    expect(t).not.toMatch(/[^\\]\[click\]/);
    expect(t).toContain('a\\_b@x.test');
  });
  it('snapshots', () => {
    expect(sessionCard(waitingView)).toMatchSnapshot('waiting');
    expect(sessionCard(activeWithInvites)).toMatchSnapshot('active with invites');
    expect(sessionCard(endedView)).toMatchSnapshot('ended');
  });
});

describe('inviteDetailsCard', () => {
  it('lists every invite with invitee, mode, status, response and times', () => {
    const c = inviteDetailsCard(activeWithInvites, { agents: agentById });
    const t = textOf(c);
    expect(t).toContain('**Bob Li** · Participant · Accepted');
    expect(t).toContain('**Dave Stone** · Monitor · Rejected');
    expect(t).toContain('**Dave Stone** · Monitor · Pending · attempt 2');
    expect(t).toContain('**Carol Díaz** · Participant · Expired');
    expect(t).toContain('Invited by Bob Li');
    expect(t).toMatch(/\{\{DATE\(2025-01-15T09:05:00Z, SHORT\)\}\} \{\{TIME\(2025-01-15T09:05:00Z\)\}\}/);
    expect(t).toContain('Rejected {{DATE(2025-01-15T09:05:30Z, SHORT)}}');
    expect(actionsOf(c)).toEqual([]); // no maxResends given: no Resend
  });
  it('offers Resend only where allowed', () => {
    const c = inviteDetailsCard(activeWithInvites, { agents: agentById, maxResends: MAX_RESENDS });
    // inv-2 was already resent; inv-4 (carol, expired) may be resent.
    expect(actionsOf(c).map((a) => [a.verb, (a.data as Json).inviteId])).toEqual([[VERBS.resend, 'inv-4']]);
  });
  it('snapshot', () => {
    expect(inviteDetailsCard(activeWithInvites, { agents: agentById, maxResends: MAX_RESENDS })).toMatchSnapshot();
  });
});

describe('inviteCard', () => {
  it('pending participant invite: Participate + Reject and a refresh for the invitee', () => {
    const c = inviteCard(inviteView(invite('pending')), NOW);
    expect(verbsOf(c)).toEqual([VERBS.participate, VERBS.reject]);
    for (const a of actionsOf(c)) expect(a.data).toEqual({ verb: a.verb, sessionId: 'sess-1', inviteId: 'inv-1' });
    expect(c.refresh?.action.verb).toBe(VERBS.refreshInvite);
    expect(c.refresh?.action.data).toEqual({ verb: VERBS.refreshInvite, sessionId: 'sess-1', inviteId: 'inv-1' });
    expect(c.refresh?.userIds).toEqual(['aad-bob']);
    const t = textOf(c);
    expect(t).toContain('Alice Ng invites you to participate in a chat');
    expect(t).toContain('End user: Jane Customer');
    expect(t).toContain('Queue: IT Support');
    expect(t).toContain('Answer by {{TIME(2025-01-15T09:07:00Z)}}');
  });
  it('pending monitor invite: Monitor + Reject', () => {
    expect(verbsOf(inviteCard(inviteView(invite('pending', { mode: 'monitor' })), NOW))).toEqual([VERBS.monitor, VERBS.reject]);
  });
  it('no refresh user ids when the invitee has no known Teams id', () => {
    const c = inviteCard(inviteView(invite('pending', { inviteeId: 'dave' })), NOW);
    expect(c.refresh?.userIds).toBeUndefined();
  });
  it.each(STATUSES.filter((s) => s !== 'pending').flatMap((s) => MODES.map((m) => [s, m] as const)))('%s %s: final, no actions, no refresh', (s, m) => {
    const c = inviteCard(inviteView(invite(s, { mode: m })), NOW);
    expect(actionsOf(c)).toEqual([]);
    expect(c.actions).toBeUndefined();
    expect(c.refresh).toBeUndefined();
  });
  it('pending but past its expiry: no buttons', () => {
    const inv = invite('pending');
    const c = inviteCard(inviteView(inv), inv.expiresAt);
    expect(actionsOf(c)).toEqual([]);
    expect(textOf(c)).toContain('This invite expired.');
  });
  it('shows the last messages escaped and truncated', () => {
    const long = 'x'.repeat(5000);
    const v = sessionView(activeSession, {
      recent: [{ id: '1-0', kind: 'message', ts: T0, visibility: 'public', author: 'user', text: long }, ...activeView.recent],
    });
    const t = textOf(inviteCard(inviteView(invite('pending'), v), NOW));
    expect(t).toContain('**Jane Customer:** A \\*blinking\\* cursor &lt;at&gt;everyone&lt;/at&gt;');
    expect(t).not.toContain('<at>');
    expect(t).toContain(`${'x'.repeat(299)}…`);
    expect(t).not.toContain('x'.repeat(301));
  });
  it('snapshots', () => {
    expect(inviteCard(inviteView(invite('pending')), NOW)).toMatchSnapshot('pending participant');
    expect(inviteCard(inviteView(invite('expired', { mode: 'monitor' })), NOW)).toMatchSnapshot('expired monitor');
  });
});

describe('inviteOutcomeCard', () => {
  const line = (s: Parameters<typeof invite>[0], over = {}, view = activeView) => inviteOutcomeCard(inviteView(invite(s, over), view));
  it('accepted: joined line, no actions', () => {
    const c = line('accepted');
    expect(textOf(c)).toContain('Bob Li joined as participant.');
    expect(actionsOf(c)).toEqual([]);
    expect(textOf(line('accepted', { mode: 'monitor' }))).toContain('Bob Li joined as monitor.');
  });
  it('rejected and expired: Resend', () => {
    for (const s of ['rejected', 'expired'] as const) {
      const c = line(s);
      expect(verbsOf(c)).toEqual([VERBS.resend]);
      expect(actionsOf(c)[0]!.data).toEqual({ verb: VERBS.resend, sessionId: 'sess-1', inviteId: 'inv-1' });
    }
    expect(textOf(line('rejected'))).toContain('Bob Li rejected the invite to participate.');
    expect(textOf(line('expired'))).toContain('it expired');
  });
  it('no Resend once resent, past the limit, or when the chat ended', () => {
    expect(actionsOf(line('rejected', { resentAs: 'inv-2' }))).toEqual([]);
    expect(actionsOf(line('expired', { attempt: MAX_RESENDS }))).toHaveLength(1);
    expect(actionsOf(line('expired', { attempt: MAX_RESENDS + 1 }))).toEqual([]);
    expect(textOf(line('expired', { attempt: MAX_RESENDS + 1 }))).toContain('resend limit reached');
    expect(actionsOf(line('rejected', {}, endedView))).toEqual([]);
  });
  it('cancelled and resent lines', () => {
    expect(textOf(line('cancelled'))).toContain('The invite to Bob Li was cancelled.');
    expect(actionsOf(line('cancelled'))).toEqual([]);
    expect(textOf(line('pending', { attempt: 2 }))).toContain('Alice Ng resent the invite to Bob Li as participant (attempt 2)');
  });
  it('snapshot', () => {
    expect(STATUSES.map((s) => inviteOutcomeCard(inviteView(invite(s))))).toMatchSnapshot();
  });
});

describe('entryText', () => {
  const msg = (over: Partial<Extract<TranscriptEntry, { kind: 'message' }>>): TranscriptEntry =>
    ({ id: '1-0', kind: 'message', ts: T0, visibility: 'public', author: 'user', text: 'hi', ...over }) as TranscriptEntry;
  it('end-user message: attributed and escaped', () => {
    expect(entryText(msg({ text: '**urgent** <at>Alice</at> [x](http://e.vil)' }), activeView)).toBe(
      '**Jane Customer (customer)**: \\*\\*urgent\\*\\* &lt;at&gt;Alice&lt;/at&gt; \\[x\\](http://e.vil)',
    );
  });
  it('agent message from another mirror: agent name, from authorName or the members', () => {
    expect(entryText(msg({ author: 'agent', agentId: 'alice', authorName: 'Alice Ng', text: 'On it' }), activeView)).toBe('**Alice Ng**: On it');
    expect(entryText(msg({ author: 'agent', agentId: 'alice', text: 'On it' }), activeView)).toBe('**Alice Ng**: On it');
    expect(entryText(msg({ author: 'agent', agentId: 'bob', visibility: 'agents', text: 'watching' }), activeWithInvites)).toBe('**Bob Li** _(agents only)_: watching');
  });
  it('system, status, participant, edit and delete lines', () => {
    expect(entryText(msg({ author: 'system', text: 'Transferred' }), activeView)).toBe('_Transferred_');
    expect(entryText({ id: '2-0', kind: 'status', ts: T0, visibility: 'public', status: 'active' }, activeView)).toBe('_Alice Ng accepted the chat._');
    expect(entryText({ id: '2-0', kind: 'status', ts: T0, visibility: 'public', status: 'ended' }, activeView)).toBe('_The chat has ended._');
    expect(entryText({ id: '2-0', kind: 'status', ts: T0, visibility: 'public', status: 'waiting' }, activeView)).toBe('_The chat is waiting in IT Support._');
    expect(entryText({ id: '3-0', kind: 'participant', ts: T0, visibility: 'public', agentId: 'bob', name: 'Bob Li', mode: 'participant', action: 'joined' }, activeView)).toBe('_Bob Li joined as participant._');
    expect(entryText({ id: '3-0', kind: 'participant', ts: T0, visibility: 'agents', agentId: 'carol', name: 'Carol Díaz', mode: 'monitor', action: 'joined' }, activeView)).toContain('joined as monitor (not visible to the customer)');
    expect(entryText({ id: '3-0', kind: 'participant', ts: T0, visibility: 'public', agentId: 'bob', name: 'Bob Li', mode: 'participant', action: 'left' }, activeView)).toBe('_Bob Li left the chat._');
    expect(entryText({ id: '4-0', kind: 'edit', ts: T0, visibility: 'public', targetId: '1-0', text: 'fixed *typo*' }, activeView)).toBe('fixed \\*typo\\* _(edited)_');
    expect(entryText({ id: '5-0', kind: 'delete', ts: T0, visibility: 'public', targetId: '1-0' }, activeView)).toBe('_This message was deleted._');
  });
  it('files become links whose target cannot break out', () => {
    const t = entryText(msg({ text: '', file: { id: 'f 1)', name: 'screen [1].png' } }), activeView);
    expect(t).toBe('**Jane Customer (customer)**: 📎 [screen \\[1\\].png](https://switchboard.example.com/api/v1/sessions/sess-1/files/f%201%29)');
    expect(entryText(msg({ text: 'see', file: { id: 'https://files.example.com/a b.pdf', name: 'a.pdf' } }), activeView)).toContain('(https://files.example.com/a%20b.pdf)');
  });
  it('very long messages are truncated', () => {
    const t = entryText(msg({ text: 'y'.repeat(20_000) }), activeView);
    expect(t.length).toBeLessThan(4100);
    expect(t.endsWith('…')).toBe(true);
  });
});

describe('inviteSearchCard', () => {
  const c = inviteSearchCard(activeView, 'b*', [
    { agent: bob, verdict: { ok: true } },
    { agent: dave, verdict: { ok: true } },
    { agent: carol, verdict: { ok: false, code: 'away', message: 'Carol is Away.' } },
  ], { mode: 'monitor' });
  it('has the query and mode inputs', () => {
    const inputs = c.body.filter((e) => e.type.startsWith('Input.'));
    expect(inputs.map((i) => [i.type, i.id])).toEqual([['Input.Text', 'query'], ['Input.ChoiceSet', 'mode']]);
    expect(inputs[0]!.value).toBe('b*');
    expect(inputs[1]!.value).toBe('monitor');
    expect((inputs[1]!.choices as Json[]).map((x) => x.value)).toEqual(['participant', 'monitor']);
  });
  it('an Invite button per eligible candidate; ineligible greyed with the reason', () => {
    const acts = actionsOf(c);
    expect(acts.map((a) => [a.verb, (a.data as Json).agentId ?? null])).toEqual([
      [VERBS.invite, null], [VERBS.inviteAgent, 'bob'], [VERBS.inviteAgent, 'dave'],
    ]);
    expect(textOf(c)).toContain('Carol is Away.');
    expect(JSON.stringify(c)).toContain('"text":"**Carol Díaz**","wrap":true,"isSubtle":true');
  });
  it('escapes the query in the no-match line and caps the list', () => {
    expect(textOf(inviteSearchCard(activeView, '[x](y)', []))).toContain('No agent matches “\\[x\\](y)”.');
    const many = Array.from({ length: 30 }, (_, i) => ({ agent: { ...bob, id: `a${i}` }, verdict: { ok: true } as const }));
    const big = inviteSearchCard(activeView, '', many);
    expect(actionsOf(big).filter((a) => a.verb === VERBS.inviteAgent)).toHaveLength(15);
    expect(textOf(big)).toContain('15 more: refine the search.');
  });
  it('snapshot', () => expect(c).toMatchSnapshot());
});

describe('monitoring and home', () => {
  it('monitoringCard: Participate/Monitor per chat for a supervisor who is not in it', () => {
    const c = monitoringCard(home.monitoring, 'carol');
    // sess-1: carol already monitors, so only Participate; sess-2: both.
    expect(actionsOf(c).map((a) => [a.verb, (a.data as Json).sessionId])).toEqual([
      [VERBS.joinParticipate, 'sess-1'],
      [VERBS.joinParticipate, 'sess-2'], [VERBS.joinMonitor, 'sess-2'],
    ]);
    expect(actionsOf(monitoringCard([activeView], 'carol')).map((a) => a.verb)).toEqual([VERBS.joinParticipate, VERBS.joinMonitor]);
    expect(actionsOf(monitoringCard([activeView], 'alice'))).toEqual([]); // owner
    expect(textOf(monitoringCard([]))).toContain('No active chats');
  });
  it('homeCard: availability toggle, invites with answers, chats, monitoring', () => {
    const c = homeCard(home);
    const verbs = verbsOf(c);
    expect(verbs[0]).toBe(VERBS.away);
    expect(verbs).toContain(VERBS.monitor);
    expect(verbs).toContain(VERBS.reject);
    // carol monitors sess-1 (a chat of hers): she may step in as participant only.
    expect(verbs.filter((v) => v === VERBS.joinParticipate)).toHaveLength(2);
    expect(verbs.filter((v) => v === VERBS.joinMonitor)).toHaveLength(1);
    const t = textOf(c);
    expect(t).toContain('Invites (1)');
    expect(t).toContain('My chats (1)');
    expect(t).toContain('Monitoring (2)');
  });
  it('homeCard: away agent gets Set Available, no monitoring section for non-supervisors', () => {
    const c = homeCard({ agent: bob, available: false, invites: [], chats: [activeView], monitoring: [] });
    expect(verbsOf(c)).toEqual([VERBS.available]);
    expect(textOf(c)).not.toContain('Monitoring');
    const owner = homeCard({ agent: alice, available: true, invites: [], chats: [activeWithInvites], monitoring: [] });
    expect(verbsOf(owner)).toEqual([VERBS.away, VERBS.invite, VERBS.invites, VERBS.end]);
  });
  it('snapshots', () => {
    expect(homeCard(home)).toMatchSnapshot('home');
    expect(monitoringCard(home.monitoring, 'carol')).toMatchSnapshot('monitoring');
  });
});

describe('help and notice', () => {
  it('helpCard lists the commands', () => {
    const t = textOf(helpCard());
    for (const cmd of ['invite &lt;name|email&gt; \\[participant|monitor\\] \\[ref\\]', 'available', 'away', 'monitor', 'help']) expect(t).toContain(cmd);
    expect(actionsOf(helpCard())).toEqual([]);
  });
  it('noticeCard escapes unless told the text is markdown', () => {
    expect(textOf(noticeCard('Sent to *Bob*'))).toBe('Sent to \\*Bob\\*');
    expect(textOf(noticeCard('Sent to **Bob**', { markdown: true }))).toBe('Sent to **Bob**');
  });
});
