import { describe, expect, it } from 'vitest';
import {
  ACTIONS, agentOptions, canOfferResend, entryMessage, escapeMrkdwn, helpText, homeView, inviteCard, inviteDetails,
  inviteModal, inviteOutcome, LIMITS, limitViolations, monitoringList, sessionRoot, slackDate, truncate,
} from '../../adapters/slack/blocks/index.js';
import type { KnownBlock } from '../../adapters/slack/blocks/types.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';
import { refuse } from '../../src/domain/policy.js';
import type { Agent } from '../../src/domain/directory.js';
import {
  activeView, agentsById, alice, bob, bobHomeAway, carol, carolHome, endedView, invite, inviteView, inviteViews,
  MIN, NOW, otherActive, recent, sessionView, T0, TTL, waitingView,
} from '../support/fixtures.js';

/** Every button in a list of blocks, in order: action_id, value, text. */
type AnyJson = Record<string, any>;
function buttons(blocks: readonly unknown[] | undefined): Array<{ action: string; value: string; text: string }> {
  const out: Array<{ action: string; value: string; text: string }> = [];
  for (const b of (blocks ?? []) as AnyJson[]) {
    const els: AnyJson[] = b.type === 'actions' ? b.elements : b.type === 'section' && b.accessory ? [b.accessory] : [];
    for (const e of els) if (e.type === 'button') out.push({ action: e.action_id ?? '', value: e.value ?? '', text: e.text.text });
  }
  return out;
}
const actionIds = (blocks: readonly unknown[] | undefined) => buttons(blocks).map((b) => b.action);
const allText = (x: unknown): string => JSON.stringify(x);

const EVIL = 'Hey <!channel> & <@U123> look at <http://evil.example|your bank>';
const EVIL_ESCAPED = 'Hey &lt;!channel&gt; &amp; &lt;@U123&gt; look at &lt;http://evil.example|your bank&gt;';

describe('text helpers', () => {
  it('escapeMrkdwn makes mentions and links inert', () => {
    expect(escapeMrkdwn(EVIL)).toBe(EVIL_ESCAPED);
    expect(escapeMrkdwn('a &amp; b')).toBe('a &amp;amp; b');
  });

  it('truncate cuts with an ellipsis and never splits a surrogate pair', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('hello world', 6)).toHaveLength(6);
    const emoji = 'ab😀cd';
    expect(truncate(emoji, 4)).toBe('ab…');
    expect(truncate('x'.repeat(10_000), LIMITS.sectionText)).toHaveLength(LIMITS.sectionText);
  });

  it('slackDate uses Slack date formatting with a UTC fallback', () => {
    expect(slackDate(T0)).toBe(`<!date^${T0 / 1000}^{date_short_pretty} {time}|2026-01-15 09:30 UTC>`);
  });

  it('the limits are the Block Kit ones', () => {
    expect(LIMITS).toMatchObject({ messageBlocks: 50, viewBlocks: 100, sectionText: 3000, buttonText: 75, buttonValue: 2000, actionId: 255, blockId: 255, optionText: 75, headerText: 150 });
  });
});

describe('ACTIONS', () => {
  it('are unique and within the action_id limit', () => {
    const ids = Object.values(ACTIONS);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(LIMITS.actionId);
  });
});

describe('sessionRoot', () => {
  it('waiting: Accept only, with the session id as value', () => {
    const m = sessionRoot(waitingView);
    expect(buttons(m.blocks)).toEqual([{ action: ACTIONS.accept, value: waitingView.session.id, text: 'Accept' }]);
    expect(m.text).toContain('K7Q2XD');
    expect(m).toMatchSnapshot();
  });

  it('active: Invite, Invites +N and End chat, owner shown', () => {
    const m = sessionRoot(activeView);
    expect(actionIds(m.blocks)).toEqual([ACTIONS.invite, ACTIONS.invites, ACTIONS.end]);
    expect(buttons(m.blocks).every((b) => b.value === activeView.session.id)).toBe(true);
    expect(buttons(m.blocks).find((b) => b.action === ACTIONS.invites)?.text).toBe(`Invites +${activeView.invites.length}`);
    expect(allText(m.blocks)).toContain('Alice Ng');
    expect(m).toMatchSnapshot();
  });

  it('ended: no buttons, ended info', () => {
    const m = sessionRoot(endedView);
    expect(buttons(m.blocks)).toEqual([]);
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(allText(m.blocks)).toMatch(/ended <!date\^/);
    expect(m).toMatchSnapshot();
  });

  it('escapes the end user name and email, in blocks and fallback text', () => {
    const v = sessionView({ session: { ...activeView.session, endUser: { name: '<!channel> & <@U123>', email: 'x@y.z' } } });
    const m = sessionRoot(v);
    expect(allText(m)).not.toContain('<!channel>');
    expect(allText(m)).not.toContain('<@U123>');
    expect(m.text).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  it('respects limits with a very long name', () => {
    const v = sessionView({ session: { ...activeView.session, endUser: { name: '&'.repeat(5000) } } });
    const m = sessionRoot(v);
    expect(limitViolations(m.blocks)).toEqual([]);
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.messageText);
  });
});

describe('inviteDetails', () => {
  it('lists every invite with invitee, mode, status, response and times', () => {
    const view = inviteDetails(activeView, agentsById);
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe(ACTIONS.invitesModal);
    const t = allText(view);
    for (const s of ['Bob Martin', 'Carol Lefèvre', 'monitor', 'participant', 'Accepted', 'Rejected', 'Pending', 'attempt 2', '{date_short_pretty} {time}']) expect(t).toContain(s);
    expect(limitViolations(view)).toEqual([]);
    expect(view).toMatchSnapshot();
  });

  it('accepts a record or a function as agent lookup', () => {
    const rec = Object.fromEntries(agentsById);
    expect(inviteDetails(activeView, rec)).toEqual(inviteDetails(activeView, agentsById));
    expect(inviteDetails(activeView, (id) => agentsById.get(id))).toEqual(inviteDetails(activeView, agentsById));
  });

  it('caps 200 invites at 100 blocks and says how many are left out', () => {
    const many = Array.from({ length: 200 }, (_, i) => invite({ status: 'rejected', id: `inv_${i}`, createdAt: T0 + i }));
    const view = inviteDetails(sessionView({ invites: many }), agentsById);
    expect(view.blocks).toHaveLength(100);
    expect(limitViolations(view)).toEqual([]);
    expect(allText(view.blocks.at(-1))).toMatch(/and 103 older invites not shown/);
  });
});

describe('entryMessage', () => {
  const base = { ts: T0, visibility: 'public' as const };
  const entries: Record<string, TranscriptEntry> = {
    user: { id: '1-0', kind: 'message', ...base, author: 'user', text: EVIL },
    agent: { id: '2-0', kind: 'message', ...base, author: 'agent', agentId: 'alice', authorName: 'Alice Ng', text: 'From Teams: 1 < 2', origin: 'teams:x' },
    unknownAgent: { id: '2-1', kind: 'message', ...base, author: 'agent', agentId: 'zed', authorName: 'Zed <b>', text: 'hi' },
    monitorTalk: { id: '2-2', kind: 'message', ts: T0, visibility: 'agents', author: 'agent', agentId: 'carol', text: 'monitor here' },
    system: { id: '3-0', kind: 'message', ...base, author: 'system', text: 'Transferred' },
    file: { id: '4-0', kind: 'message', ...base, author: 'user', text: 'screenshot', file: { id: 'f1', name: 'screen <1>.png', size: 2048 } },
    edit: { id: '5-0', kind: 'edit', ...base, targetId: recent[0]!.id, text: 'VPN *and* mail <!here>' },
    delete: { id: '6-0', kind: 'delete', ...base, targetId: recent[0]!.id },
    statusActive: { id: '7-0', kind: 'status', ...base, status: 'active' },
    statusEnded: { id: '7-1', kind: 'status', ...base, status: 'ended' },
    joined: { id: '8-0', kind: 'participant', ...base, agentId: 'bob', name: 'Bob Martin', mode: 'participant', action: 'joined' },
    left: { id: '8-1', kind: 'participant', ...base, agentId: 'bob', name: 'Bob Martin', mode: 'participant', action: 'left' },
  };

  it('renders each kind (snapshot)', () => {
    const out = Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, entryMessage(e, activeView)]));
    expect(out).toMatchSnapshot();
  });

  it('escapes end-user text and prefixes the user name', () => {
    const m = entryMessage(entries.user!, activeView);
    expect(m.text).toBe(`*Jane Doe:* ${EVIL_ESCAPED}`);
  });

  it('names the agent of a message from another mirror', () => {
    expect(entryMessage(entries.agent!, activeView).text).toBe('*Alice Ng:* From Teams: 1 &lt; 2');
    expect(entryMessage(entries.unknownAgent!, activeView).text).toBe('*Zed &lt;b&gt;:* hi');
  });

  it('edits say "edited:", files carry a link, joins and leaves are lines', () => {
    expect(entryMessage(entries.edit!, activeView).text).toBe('*Jane Doe:* _edited:_ VPN *and* mail &lt;!here&gt;');
    const f = entryMessage(entries.file!, activeView);
    expect(allText(f.blocks)).toContain('<https://switchboard.example.com/api/v1/sessions/sess_K7Q2XD00000/files/f1|screen &lt;1&gt;.png>');
    expect(entryMessage(entries.joined!, activeView).text).toContain('Bob Martin joined as participant');
    expect(entryMessage(entries.left!, activeView).text).toContain('Bob Martin left');
    expect(entryMessage(entries.monitorTalk!, activeView).text).toContain('agents only');
  });

  it('keeps a 100 000-char message within limits and inert', () => {
    const e: TranscriptEntry = { id: '9-0', kind: 'message', ...base, author: 'user', text: '<!channel>'.repeat(10_000), file: { id: 'f', name: 'n'.repeat(255) } };
    const m = entryMessage(e, activeView);
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.messageText);
    expect(limitViolations(m.blocks)).toEqual([]);
    expect(allText(m)).not.toContain('<!channel>');
    expect(m.text).toMatch(/…/);
  });
});

describe('inviteCard', () => {
  const card = (k: keyof typeof inviteViews) => inviteCard(inviteViews[k], NOW);

  it('pending participant: Participate + Reject with the invite id', () => {
    const m = card('pendingParticipant');
    expect(buttons(m.blocks)).toEqual([
      { action: ACTIONS.participate, value: 'inv_pp', text: 'Participate' },
      { action: ACTIONS.reject, value: 'inv_pp', text: 'Reject' },
    ]);
    const t = allText(m);
    for (const s of ['Alice Ng', 'Jane Doe', 'IT Support', 'Expires', 'Last messages', 'VPN']) expect(t).toContain(s);
    expect(m).toMatchSnapshot();
  });

  it('pending monitor: Monitor + Reject', () => {
    const m = card('pendingMonitor');
    expect(actionIds(m.blocks)).toEqual([ACTIONS.monitor, ACTIONS.reject]);
    expect(m).toMatchSnapshot();
  });

  it.each(['accepted', 'acceptedMonitor', 'rejected', 'expired', 'cancelled'] as const)('%s: final state and no buttons', (k) => {
    const m = card(k);
    expect(buttons(m.blocks)).toEqual([]);
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(m).toMatchSnapshot();
  });

  it('shows the final words per status', () => {
    expect(allText(card('accepted'))).toContain('You joined as participant');
    expect(allText(card('rejected'))).toContain('You rejected this invite');
    expect(allText(card('expired'))).toContain('This invite expired');
    expect(allText(card('cancelled'))).toContain('cancelled');
  });

  it('a pending invite past its expiry shows no buttons', () => {
    const iv = inviteViews.pendingParticipant;
    const m = inviteCard(iv, iv.invite.expiresAt);
    expect(buttons(m.blocks)).toEqual([]);
    expect(allText(m)).toContain('expired');
  });

  it('escapes and truncates the quoted messages', () => {
    const long = Array.from({ length: 200 }, (_, i) => ({ ...recent[0]!, id: `${i}-0`, text: `<!channel> & <@U123> ${'x'.repeat(5000)}` }));
    const iv = inviteView(inviteViews.pendingParticipant.invite, sessionView({ recent: long }));
    const m = inviteCard(iv, NOW);
    const t = allText(m);
    expect(t).not.toContain('<!channel>');
    expect(t).not.toContain('<@U123>');
    expect(t).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(limitViolations(m.blocks)).toEqual([]);
    expect(actionIds(m.blocks)).toEqual([ACTIONS.participate, ACTIONS.reject]);
  });
});

describe('inviteOutcome', () => {
  it('joined, resent, cancelled: a line without buttons', () => {
    expect(inviteOutcome(inviteViews.accepted).text).toContain('Bob Martin joined as participant');
    expect(inviteOutcome(inviteViews.acceptedMonitor).text).toContain('Carol Lefèvre joined as monitor');
    expect(inviteOutcome(inviteViews.resent).text).toContain('attempt 2');
    expect(inviteOutcome(inviteViews.cancelled).text).toContain('cancelled');
    for (const k of ['accepted', 'acceptedMonitor', 'resent', 'cancelled'] as const) expect(buttons(inviteOutcome(inviteViews[k]).blocks)).toEqual([]);
  });

  it('rejected and expired offer Resend with the old invite id', () => {
    for (const k of ['rejected', 'expired'] as const) {
      const m = inviteOutcome(inviteViews[k]);
      expect(buttons(m.blocks)).toEqual([{ action: ACTIONS.resend, value: inviteViews[k].invite.id, text: 'Resend' }]);
    }
    expect(inviteOutcome(inviteViews.rejected).text).toContain('rejected');
    expect(inviteOutcome(inviteViews.expired).text).toContain('expired');
  });

  it('no Resend once resent, past the limit, or when the chat ended', () => {
    expect(buttons(inviteOutcome(inviteViews.rejectedResent).blocks)).toEqual([]);
    expect(buttons(inviteOutcome(inviteViews.rejectedAtLimit).blocks)).toEqual([]);
    const ended = inviteView(inviteViews.rejected.invite, endedView);
    expect(canOfferResend(ended)).toBe(false);
    // attempt == maxResends is still allowed (the domain refuses only attempt > maxResends)
    expect(canOfferResend(inviteView(invite({ status: 'expired', attempt: 3 })))).toBe(true);
  });

  it('snapshots', () => {
    expect(Object.fromEntries(Object.entries(inviteViews).map(([k, iv]) => [k, inviteOutcome(iv)]))).toMatchSnapshot();
  });
});

describe('inviteModal and agentOptions', () => {
  it('has an external_select with min_query_length 0 and Participant/Monitor radios, participant by default', () => {
    const v = inviteModal(activeView, JSON.stringify({ sessionId: activeView.session.id }));
    expect(v.callback_id).toBe(ACTIONS.inviteModal);
    const inputs = (v.blocks as AnyJson[]).filter((b) => b.type === 'input');
    const picker = inputs[0]?.element;
    expect(picker).toMatchObject({ type: 'external_select', action_id: ACTIONS.inviteAgent, min_query_length: 0 });
    const radio = inputs[1]?.element;
    expect(radio).toMatchObject({ type: 'radio_buttons', action_id: ACTIONS.inviteMode, initial_option: { value: 'participant' } });
    expect(limitViolations(v)).toEqual([]);
    expect(v).toMatchSnapshot();
    expect(() => inviteModal(activeView, 'x'.repeat(3001))).toThrow(RangeError);
  });

  it('lists eligible agents first, ineligible ones with the reason, texts within 75 chars', () => {
    const long: Agent = { ...bob, id: 'long', firstName: 'Maximilian-Alexander', lastName: 'Vanderbilt-Featherstonehaugh', email: 'maximilian.alexander.vanderbilt@very-long-domain.example.com' };
    const { options } = agentOptions([
      { agent: bob, verdict: refuse('away', 'Bob is Away.') },
      { agent: carol, verdict: { ok: true } },
      { agent: long, verdict: { ok: true } },
    ]);
    expect(options.map((o) => o.value)).toEqual(['carol', 'long', 'bob']);
    expect(options[0]?.text.text).toBe('Carol Lefèvre <carol@example.com>');
    expect(options[2]?.description?.text).toContain('Bob is Away.');
    expect(options[0]?.description).toBeUndefined();
    for (const o of options) expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
    expect(options[1]?.text.text.endsWith('…')).toBe(true);
    const many = agentOptions(Array.from({ length: 250 }, (_, i) => ({ agent: { ...alice, id: `a${i}` }, verdict: { ok: true } as const })));
    expect(many.options).toHaveLength(100);
  });
});

describe('homeView', () => {
  it('supervisor: availability, invites with answer buttons, my chats, monitoring with join buttons', () => {
    const v = homeView(carolHome);
    expect(v.type).toBe('home');
    const t = allText(v);
    for (const s of ['Available', 'Invites (1)', 'My chats (1)', 'Monitoring (2)', 'K7Q2XD', 'P3M9RT', 'you: monitor']) expect(t).toContain(s);
    const b = buttons(v.blocks);
    expect(b.find((x) => x.action === ACTIONS.availability)).toEqual({ action: ACTIONS.availability, value: 'away', text: 'Set Away' });
    expect(b.filter((x) => x.value === 'inv_carol').map((x) => x.action)).toEqual([ACTIONS.participate, ACTIONS.reject]);
    // K7Q2XD: Carol already monitors, so only Participate; P3M9RT: both
    expect(b.filter((x) => x.value === activeView.session.id).map((x) => x.action)).toEqual([ACTIONS.supervisorParticipate]);
    expect(b.filter((x) => x.value === otherActive.session.id).map((x) => x.action)).toEqual([ACTIONS.supervisorParticipate, ACTIONS.supervisorMonitor]);
    expect(limitViolations(v)).toEqual([]);
    expect(v).toMatchSnapshot();
  });

  it('agent set Away: Set Available, no Monitoring section', () => {
    const v = homeView(bobHomeAway);
    expect(buttons(v.blocks)).toEqual([{ action: ACTIONS.availability, value: 'available', text: 'Set Available' }]);
    expect(allText(v)).not.toContain('Monitoring');
    expect(v).toMatchSnapshot();
  });

  it('caps 200 invites, chats and monitored chats at 100 blocks, keeping every section', () => {
    const ivs = Array.from({ length: 200 }, (_, i) => inviteView(invite({ status: 'pending', id: `inv_${i}`, inviteeId: 'carol', expiresAt: T0 + TTL + i * MIN })));
    const chats = Array.from({ length: 200 }, (_, i) => sessionView({ session: { ...activeView.session, id: `s${i}`, ref: `R${i}` } }));
    const v = homeView({ ...carolHome, invites: ivs, chats, monitoring: chats });
    expect(v.blocks.length).toBeLessThanOrEqual(100);
    expect(limitViolations(v)).toEqual([]);
    const t = allText(v);
    expect(t).toContain('Monitoring (200)');
    expect(t).toMatch(/and \d+ more pending invites/);
    expect(t).toMatch(/and \d+ more chats/);
    expect(t).toMatch(/and \d+ more active chats/);
  });
});

describe('monitoringList and helpText', () => {
  it('lists active chats with join buttons', () => {
    const m = monitoringList([activeView, otherActive, endedView], carol.id);
    expect(m.text).toBe('2 active chats in your queues');
    expect(actionIds(m.blocks)).toEqual([ACTIONS.supervisorParticipate, ACTIONS.supervisorParticipate, ACTIONS.supervisorMonitor]);
    expect(m).toMatchSnapshot();
    expect(monitoringList([]).text).toContain('No active chat');
  });

  it('caps 200 chats at 50 blocks', () => {
    const chats = Array.from({ length: 200 }, (_, i) => sessionView({ session: { ...activeView.session, id: `s${i}`, ref: `R${i}` } }));
    const m = monitoringList(chats, 'bob');
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(limitViolations(m.blocks)).toEqual([]);
    expect(allText(m.blocks)).toMatch(/and \d+ more active chats/);
  });

  it('help names every subcommand with inert angle brackets', () => {
    const h = helpText('/chat');
    for (const s of ['/chat available', '/chat away', '/chat monitor', '/chat help', '/chat invite &lt;@user|email&gt; [participant|monitor] [ref]']) expect(h).toContain(s);
    expect(h).not.toContain('<@user');
    expect(h).toMatchSnapshot();
  });
});

describe('limitViolations', () => {
  it('detects what it should (so the assertions above can fail)', () => {
    const bad: KnownBlock[] = [
      { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
      { type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) }, action_id: 'a', value: 'v' }, { type: 'button', text: { type: 'plain_text', text: 'b' }, action_id: 'a' }] },
    ];
    const v = limitViolations(bad);
    expect(v).toHaveLength(4);
    expect(limitViolations(Array.from({ length: 51 }, () => ({ type: 'divider' }) as KnownBlock))).toEqual(['blocks: 51 > 50']);
  });
});

it('fixtures are stable', () => {
  expect(alice.id).toBe('alice');
  expect(NOW).toBeGreaterThan(T0);
});
