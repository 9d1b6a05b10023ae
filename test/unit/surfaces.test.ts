import { describe, expect, it } from 'vitest';
import { buttons, renderText } from '../../adapters/recording/render.js';
import { entryLine } from '../../src/app/surfaces/entryLines.js';
import { homeSurface, monitoringSurface } from '../../src/app/surfaces/home.js';
import { inviteCard, inviteDetailsSurface, inviteLine } from '../../src/app/surfaces/invites.js';
import { rootSurface } from '../../src/app/surfaces/root.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { say, words } from '../../src/app/wording/index.js';
import { fill, plain } from '../../src/app/wording/rich.js';
import type { MessageEntry } from '../../src/domain/transcript.js';
import {
  activeView,
  agentsById,
  alice,
  bob,
  bobHomeAway,
  carolHome,
  endedView,
  invite,
  inviteView,
  inviteViews,
  MAX_RESENDS,
  MIN,
  member,
  NOW,
  recent,
  sessionView,
  T0,
  TTL,
  waitingView,
} from '../support/fixtures.js';
import { activeLines, allSurfaces, entries, offlineView } from '../support/surfaces.js';

describe('the root of a chat, per viewer', () => {
  const withBob = sessionView({ members: [...activeView.members, member(bob, 'participant', T0, 'invite')] });
  it.each([
    [
      'the channel (shared)',
      { shared: true } as const,
      ['Invite', 'Invites (1 waiting)', 'Transfer', 'Canned reply', 'Release', 'Ask for help', 'Promote', 'End chat'],
    ],
    [
      'its owner',
      { agentId: 'alice' },
      ['Invite', 'Invites (1 waiting)', 'Transfer', 'Canned reply', 'Release', 'Ask for help', 'Promote', 'End chat'],
    ],
    ['a participant who invited nobody', { agentId: 'bob' }, ['Invite', 'Canned reply', 'Ask for help', 'Leave']],
    ['a monitor', { agentId: 'carol' }, ['Leave']],
    ['someone outside the chat', { agentId: 'dan' }, []],
  ])('offers %s only what the policy allows', (_who, viewer, expected) => {
    expect(buttons(rootSurface(withBob, viewer))).toEqual(expected);
  });
  it('offers Accept while waiting and nothing once ended', () => {
    expect(buttons(rootSurface(waitingView, { shared: true }))).toEqual(['Accept']);
    expect(buttons(rootSurface(endedView, { shared: true }))).toEqual([]);
  });
  it('tells an agent their role on their own copy', () => {
    expect(renderText(rootSurface(activeView, { agentId: 'carol' }))).toContain('You are in this chat as monitor.');
  });
  it('shows the end user, queue, status, ref, owner and the others', () => {
    const text = renderText(rootSurface(activeView, { shared: true }));
    for (const s of [
      'Chat with Jane Doe',
      'End user: Jane Doe (jane@customer.example)',
      'Queue: IT Support',
      'Status: 💬 Active',
      'Ref: K7Q2XD',
      'Owner: Alice Ng',
      'With Carol Lefèvre (monitor)',
    ])
      expect(text).toContain(s);
  });
});

describe('the invite card', () => {
  it('offers the answer that matches the mode, and Reject', () => {
    expect(buttons(inviteCard(inviteViews.pendingParticipant, NOW))).toEqual(['Participate', 'Reject']);
    expect(buttons(inviteCard(inviteViews.pendingMonitor, NOW))).toEqual(['Monitor', 'Reject']);
  });
  it.each([
    ['accepted', /You joined as participant/],
    ['rejected', /You rejected this invite/],
    ['expired', /This invite expired/],
    ['cancelled', /This invite was cancelled /],
  ] as const)('once %s, says so with no buttons left', (status, text) => {
    const s = inviteCard(inviteViews[status], NOW);
    expect(buttons(s)).toEqual([]);
    expect(renderText(s)).toMatch(text);
  });
  it('once rejected with a reason, shows the one who rejected their reason', () => {
    const iv = inviteView(invite({ status: 'rejected', reason: 'Too busy <right> now', respondedAt: NOW }));
    expect(renderText(inviteCard(iv, NOW))).toMatch(/You rejected this invite .* Your reason: “Too busy <right> now”/);
  });
  it('a pending invite past its expiry offers nothing', () => {
    expect(
      buttons(inviteCard(inviteViews.pendingParticipant, inviteViews.pendingParticipant.invite.expiresAt + 1)),
    ).toEqual([]);
  });
  it('quotes the last messages', () => {
    expect(renderText(inviteCard(inviteViews.pendingParticipant, NOW))).toContain(
      '> Jane Doe: Thanks! Error is <!channel> & <@U123>',
    );
  });
  it('marks a quoted line the end user never saw, and names agents as the thread does (not by what was stored)', () => {
    const aside: MessageEntry = {
      id: `${T0 + 3 * MIN}-0`,
      kind: 'message',
      ts: T0 + 3 * MIN,
      visibility: 'agents',
      author: 'agent',
      agentId: 'carol',
      authorName: 'Carol',
      text: 'Looks like the 5.2 client bug',
    };
    const iv = {
      ...inviteViews.pendingParticipant,
      view: { ...inviteViews.pendingParticipant.view, recent: [...recent, aside] },
    };
    const text = renderText(inviteCard(iv, NOW));
    expect(text).toContain('> 👀 agents only · Carol Lefèvre: Looks like the 5.2 client bug');
    expect(text).toContain('> Alice Ng: Hello Jane, let me check.');
  });
});

describe('the thread line about an invite', () => {
  it('offers Resend after a reject or an expiry, with what is left', () => {
    for (const iv of [inviteViews.rejected, inviteViews.expired]) {
      expect(buttons(inviteLine(iv))).toEqual(['Resend']);
      expect(renderText(inviteLine(iv))).toContain('Alice Ng can resend (3 resends left).');
    }
  });
  it('names the owner as who else may resend, unless the inviter is the owner', () => {
    const byBob = inviteView(invite({ status: 'rejected', inviterId: 'bob', inviteeId: 'carol' }));
    expect(renderText(inviteLine(byBob))).toContain('Bob Martin or the chat owner can resend (3 resends left).');
  });
  it('offers no Resend once resent, at the limit, or when the chat has ended', () => {
    expect(buttons(inviteLine(inviteViews.rejectedResent))).toEqual([]);
    expect(buttons(inviteLine(inviteViews.rejectedAtLimit))).toEqual([]);
    expect(renderText(inviteLine(inviteViews.rejectedAtLimit))).toContain(
      `The resend limit (${MAX_RESENDS}) is reached.`,
    );
    expect(buttons(inviteLine(inviteView(invite({ status: 'rejected' }), endedView)))).toEqual([]);
  });
  it('says an invite that could not be delivered was not delivered, never that it went unanswered, with Resend', () => {
    const text = renderText(inviteLine(inviteViews.unreached));
    expect(text).toMatch(/^Could not deliver the invite to Bob Martin: .* \[Resend\]/);
    expect(text).not.toMatch(/expired/);
  });
  it('names the outcome the same way for every status', () => {
    expect(renderText(inviteLine(inviteViews.accepted))).toBe('✅ Bob Martin joined as participant.');
    expect(renderText(inviteLine(inviteViews.resent))).toBe(
      '🔁 Alice Ng resent the invite to Bob Martin as participant (attempt 2).',
    );
    expect(renderText(inviteLine(inviteViews.expired)).split('\n')[0]).toBe(
      '⏰ The invite to Bob Martin as participant expired without an answer. [Resend]',
    );
  });
});

describe('the invite details', () => {
  it('list every invite newest first, with Resend only where the viewer may resend', () => {
    const s = inviteDetailsSurface(activeView, (id) => agentsById.get(id), alice.id, MAX_RESENDS);
    const text = renderText(s);
    expect(text.indexOf('Bob Martin as participant · attempt 2')).toBeLessThan(
      text.indexOf('Carol Lefèvre as monitor'),
    );
    expect(buttons(s)).toEqual(['Resend']); // the rejected one
    const fresh = sessionView({ invites: [invite({ status: 'expired' })] });
    expect(buttons(inviteDetailsSurface(fresh, (id) => agentsById.get(id), alice.id, MAX_RESENDS))).toEqual(['Resend']);
    expect(buttons(inviteDetailsSurface(fresh, (id) => agentsById.get(id), 'carol', MAX_RESENDS))).toEqual([]);
  });
});

describe('homes and the monitoring list', () => {
  it('a supervisor sees availability, invites, chats and the chats they watch over', () => {
    const text = renderText(homeSurface(carolHome));
    for (const s of ['## Invites (1)', '## My chats (1)', '## Monitoring (2)', '[Set Away]']) expect(text).toContain(s);
  });
  it("says an invite on the home in words that read (participate in, monitor), never the mode's noun", () => {
    const text = renderText(homeSurface(carolHome));
    expect(text).toContain('Alice Ng invites you to participate in chat P3M9RT');
    const monitor = {
      ...carolHome,
      invites: [
        inviteView(
          invite({
            status: 'pending',
            id: 'inv_m',
            inviteeId: 'carol',
            mode: 'monitor',
            createdAt: T0 + 5 * MIN,
            expiresAt: T0 + 5 * MIN + TTL,
          }),
        ),
      ],
    };
    expect(renderText(homeSurface(monitor))).toContain('Alice Ng invites you to monitor chat K7Q2XD');
  });
  it("says the agent's availability once: after they set it, the home offers the button without saying it again", () => {
    expect(renderText(homeSurface(carolHome))).toContain('You are Available');
    const said = homeSurface(carolHome, { said: true });
    expect(renderText(said)).not.toContain('You are Available');
    expect(buttons(said)[0]).toBe('Set Away');
  });
  it('an agent set Away is offered Set Available and no monitoring', () => {
    const text = renderText(homeSurface(bobHomeAway));
    expect(text).toContain('[Set Available]');
    expect(text).not.toContain('Monitoring');
  });
  it('asks before a Close ends an offline message unanswered, on its card and on every list that offers it', () => {
    const closes = (s: Surface) =>
      s.blocks
        .flatMap((b) => (b.type === 'list' ? b.items.flat() : [b]))
        .flatMap((b) => (b.type === 'actions' ? b.actions : []))
        .filter((a) => a.call.verb === 'end');
    const places = [
      rootSurface(offlineView, { shared: true }),
      homeSurface({ ...carolHome, offline: [offlineView] }),
      monitoringSurface({ active: [], offline: [offlineView] }, 'carol'),
    ];
    for (const s of places) {
      expect(closes(s)).toHaveLength(1);
      expect(closes(s)[0]!.confirm && plain(closes(s)[0]!.confirm!.title)).toBe('Close this message?');
    }
  });
  it('offers a supervisor only the join modes left to them', () => {
    // Carol already monitors the first chat: she may step up, not monitor again.
    expect(buttons(monitoringSurface({ active: [activeView] }, 'carol'))).toEqual(['Participate']);
    expect(buttons(monitoringSurface({ active: [activeView] }, 'bob'))).toEqual(['Participate', 'Monitor']);
    expect(buttons(monitoringSurface({ active: [activeView] }, 'alice'))).toEqual([]);
  });
});

describe('the canned-reply picker', () => {
  it('promises no search where there is none: a few replies are radio buttons, and Teams has no search box', () => {
    const few = allSurfaces().find(([n]) => n === 'canned picker')![1];
    expect(renderText(few)).toContain('Goes to Jane Doe as your own reply.');
    expect(renderText(few)).not.toMatch(/search/i);
  });
});

describe('chat lines', () => {
  it('tag notes and agents-only lines, and name the author', () => {
    expect(renderText(entryLine(entries.note!, activeLines)!)).toBe('🔒 note · Alice Ng: VIP customer');
    expect(renderText(entryLine(entries.monitor!, activeLines)!)).toBe('👀 agents only · Carol Lefèvre: psst');
    expect(renderText(entryLine(entries.user!, activeLines)!)).toBe('Jane Doe: Thanks! Error is <!channel> & <@U123>');
  });
  it('name colleagues in full, as every other card does (the end user reads first names)', () => {
    expect(renderText(entryLine(entries.joined!, activeLines)!)).toBe('➡️ Bob Martin joined as participant.');
    expect(renderText(entryLine(entries.left!, activeLines)!)).toBe('⬅️ Bob Martin left the chat.');
    expect(renderText(entryLine(entries.promoted!, activeLines)!)).toBe('⬆️ Carol Lefèvre is now a participant.');
  });
  it('name the chat in a 1:1 that holds several', () => {
    expect(renderText(entryLine(entries.user!, activeLines, { inChat: true })!)).toMatch(/^K7Q2XD · Jane Doe:/);
  });
  it('link a file to the service, and leave the status to the root', () => {
    expect(renderText(entryLine(entries.file!, activeLines)!)).toContain(
      '📎 app (1).log (https://switchboard.example.com/api/v1/sessions/sess_K7Q2XD00000/files/F0LOG) (2.0 KB)',
    );
    expect(
      entryLine({ id: '1-0', kind: 'status', ts: T0, visibility: 'public', status: 'active' }, activeLines),
    ).toBeNull();
  });
});

describe('the wording catalogue', () => {
  it('keeps parameters literal and makes **…** strong', () => {
    expect(fill('**{a}** said {b}', { a: '*x*', b: '<@U1>' })).toEqual([{ strong: ['*x*'] }, ' said ', '<@U1>']);
  });
  it('refuses a template whose parameter is missing', () => {
    expect(() => words('notice.invited', { name: 'Bob' })).toThrow(/missing parameter \{mode\}/);
  });
  it('gives every surface a fallback text', () => {
    for (const [name, s] of allSurfaces()) expect(plain(s.fallback).trim(), name).not.toBe('');
  });
  it('says refusals once, for the API and the platforms alike', () => {
    expect(say('refusal.not_invitee')).toBe('This invite is for someone else.');
  });
  it('shows the expiry of a pending invite', () => {
    expect(renderText(inviteCard(inviteViews.pendingParticipant, NOW))).toContain(
      `Answer by ${new Date(T0 + 5 * 60_000 + TTL).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
  });
});
