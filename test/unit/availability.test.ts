import { describe, expect, it } from 'vitest';
import { home } from '../../adapters/slack/render/blockKit.js';
import { teamsPresenceSettings } from '../../adapters/teams/presence.js';
import { card } from '../../adapters/teams/render/adaptiveCard.js';
import { homeSurface } from '../../src/app/surfaces/home.js';
import {
  DEFAULT_ONLINE,
  effective,
  graphOnline,
  observe,
  ownerGoneLongEnough,
  type PresenceRecord,
  pollOrder,
  spacingMs,
  waitsForAnswer,
} from '../../src/domain/availability.js';
import { loadEnv, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';

/** The rules of src/domain/availability.ts, on a clock of plain numbers. */
const GRACE = 120_000;
const VALID = 600_000;
const seen = (steps: Array<[number, boolean]>, platform = 'slack'): PresenceRecord => {
  let r: PresenceRecord | undefined;
  for (const [at, online] of steps) r = observe(r, platform, online, at, VALID);
  return r!;
};
const presence = (hand: { away: boolean; availableAt?: number }, records: PresenceRecord[], now: number) =>
  effective('presence', hand, records, GRACE, now);
const free = { away: false };

describe('availability rules', () => {
  it('manual agents follow their toggle alone, whatever the platform says', () => {
    const offline = seen([
      [0, false],
      [200_000, false],
    ]);
    expect(effective('manual', free, [offline], GRACE, 200_000)).toEqual({ state: 'available', source: 'manual' });
    expect(effective('manual', { away: true }, [], GRACE, 0)).toEqual({ state: 'away', source: 'manual' });
  });

  it('presence: online is Available; offline becomes Away only once observed offline for the whole grace', () => {
    expect(presence(free, [seen([[0, true]])], 0)).toEqual({ state: 'available', source: 'slack' });
    expect(
      presence(
        free,
        [
          seen([
            [0, true],
            [10_000, false],
            [129_999, false],
          ]),
        ],
        129_999,
      ).state,
    ).toBe('available');
    expect(
      presence(
        free,
        [
          seen([
            [0, true],
            [10_000, false],
            [130_000, false],
          ]),
        ],
        130_000,
      ),
    ).toEqual({ state: 'away', source: 'slack' });
  });

  it('no flapping: a blip offline shorter than the grace changes nothing, and restarts the count', () => {
    const r = seen([
      [0, false],
      [100_000, false],
      [110_000, true],
      [120_000, false],
      [230_000, false],
    ]);
    expect(presence(free, [r], 230_000).state).toBe('available');
    expect(
      presence(
        free,
        [
          seen([
            [0, false],
            [100_000, false],
            [110_000, true],
            [120_000, false],
            [240_000, false],
          ]),
        ],
        240_000,
      ).state,
    ).toBe('away');
  });

  it('time passing without a new observation (a failed or slowed poll) never makes anyone Away', () => {
    const r = seen([
      [0, false],
      [60_000, false],
    ]);
    expect(presence(free, [r], 500_000).state).toBe('available');
  });

  it('a stale record (polling stopped) is ignored: the agent is on their toggle', () => {
    const r = seen([
      [0, false],
      [200_000, false],
    ]);
    expect(presence(free, [r], 200_000).state).toBe('away');
    expect(presence(free, [r], 200_000 + VALID + 1)).toEqual({ state: 'available', source: 'manual' });
  });

  it('a hand-set Away wins over online; setting Available while shown offline holds for a grace', () => {
    expect(presence({ away: true }, [seen([[0, true]])], 0)).toEqual({ state: 'away', source: 'manual' });
    const offline = seen([
      [0, false],
      [300_000, false],
    ]);
    expect(presence({ away: false, availableAt: 250_000 }, [offline], 300_000)).toEqual({
      state: 'available',
      source: 'slack',
    });
    const later = observe(offline, 'slack', false, 370_000, VALID);
    expect(presence({ away: false, availableAt: 250_000 }, [later], 370_000)).toEqual({
      state: 'away',
      source: 'slack',
    });
  });

  it('with several platforms: online on any is Available; Away needs every one offline past the grace', () => {
    const slackOff = seen(
      [
        [0, false],
        [200_000, false],
      ],
      'slack',
    );
    const teamsOn = seen([[200_000, true]], 'teams');
    const teamsOffShort = seen(
      [
        [150_000, false],
        [200_000, false],
      ],
      'teams',
    );
    expect(presence(free, [slackOff, teamsOn], 200_000)).toEqual({ state: 'available', source: 'teams' });
    expect(presence(free, [slackOff, teamsOffShort], 200_000).state).toBe('available');
  });

  it('the owner-away requeue waits until the owner is Away and observed offline for OWNER_AWAY_REQUEUE_SECONDS; off at 0', () => {
    const r = (until: number) =>
      seen([
        [0, false],
        [until, false],
      ]);
    expect(ownerGoneLongEnough([r(299_999)], GRACE, 300_000, 0, 299_999)).toBe(false);
    expect(ownerGoneLongEnough([r(300_000)], GRACE, 300_000, 0, 300_000)).toBe(true);
    expect(ownerGoneLongEnough([r(900_000)], GRACE, 0, 0, 900_000)).toBe(false);
  });

  it('the end user waits for an answer when the last message (not a system line, not a note) is theirs', () => {
    const m = (ts: number, author: string, visibility = 'public') => ({ kind: 'message', ts, author, visibility });
    expect(waitsForAnswer([m(1, 'agent'), m(2, 'user')])).toBe(true);
    expect(waitsForAnswer([m(2, 'user'), m(3, 'agent')])).toBe(false);
    expect(waitsForAnswer([m(3, 'agent', 'private'), m(2, 'user'), m(4, 'system')])).toBe(true);
    expect(waitsForAnswer([])).toBe(false);
  });

  it('Graph availabilities: documented default, overridable', () => {
    const online = ['Available', 'AvailableIdle', 'Busy', 'BusyIdle', 'DoNotDisturb'].map((a) =>
      graphOnline(a, DEFAULT_ONLINE),
    );
    const offline = ['BeRightBack', 'Away', 'Offline', 'PresenceUnknown', 'SomethingNew'].map((a) =>
      graphOnline(a, DEFAULT_ONLINE),
    );
    expect(online.every(Boolean) && !offline.some(Boolean)).toBe(true);
    expect(graphOnline('DoNotDisturb', ['Available'])).toBe(false);
  });

  it('polling: busy agents lead each round; calls spread evenly over the minute', () => {
    const agents = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
    expect(pollOrder(agents, new Set(['c', 'd'])).map((a) => a.id)).toEqual(['c', 'd', 'a', 'b']);
    expect(spacingMs(40)).toBe(1500);
  });
});

describe('homes show the state and its source', () => {
  const agent = parseDirectory(
    `queues: [{ id: q, name: Q }]\nagents: [{ id: alice, firstName: Alice, lastName: Ng, email: a@example.com, permissions: [ESChat_Agent], queues: [q] }]`,
    'h.yaml',
    DIRECTORY_SECTIONS,
  ).agent('alice')!;
  const view = (available: boolean, source: string) =>
    homeSurface({ agent, available, availabilitySource: source, invites: [], chats: [], monitoring: [], waiting: [] });
  it('Slack App Home and Teams home card', () => {
    expect(JSON.stringify(home(view(false, 'slack')))).toContain('Away (Slack)');
    expect(JSON.stringify(card(view(false, 'teams')))).toContain('Away (Teams)');
    expect(JSON.stringify(card(view(true, 'teams')))).toContain('Available (Teams)');
    const manual = JSON.stringify(home(view(false, 'manual')));
    expect(manual).toContain('You are *Away*');
    expect(manual).not.toContain('(Slack)');
  });
});

describe('availability settings', () => {
  it('PRESENCE_ONLINE takes Graph availabilities only; the others have their documented defaults', () => {
    const env = loadEnv({});
    expect([
      env.AVAILABILITY_MODE,
      env.PRESENCE_GRACE_SECONDS,
      env.PRESENCE_SLACK_PER_MINUTE,
      env.OWNER_AWAY_REQUEUE_SECONDS,
    ]).toEqual(['manual', 120, 40, 0]);
    expect(env.PRESENCE_ONLINE).toEqual([...DEFAULT_ONLINE]);
    expect(loadEnv({ PRESENCE_ONLINE: 'Available, Busy' }).PRESENCE_ONLINE).toEqual(['Available', 'Busy']);
    expect(() => loadEnv({ PRESENCE_ONLINE: 'Available,Lunch' })).toThrow(/PRESENCE_ONLINE/);
    expect(() => loadEnv({ AVAILABILITY_MODE: 'auto' })).toThrow(/AVAILABILITY_MODE/);
  });

  it('Teams presence needs the app credentials and a tenant, and says so', () => {
    const base = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: '' };
    expect(teamsPresenceSettings({ ...base, MicrosoftAppPassword: '' }, [])).toMatch(/MicrosoftAppPassword/);
    expect(teamsPresenceSettings(base, [])).toMatch(/MicrosoftAppTenantId/);
    expect(teamsPresenceSettings(base, ['t1', 't2'])).toMatch(/MicrosoftAppTenantId/);
    expect(teamsPresenceSettings(base, ['t1'])).toMatchObject({
      tenantId: 't1',
      graphUrl: 'https://graph.microsoft.com/v1.0/',
      authorityUrl: 'https://login.microsoftonline.com/',
    });
    expect(teamsPresenceSettings({ ...base, MicrosoftAppTenantId: 'mine' }, ['t1'])).toMatchObject({
      tenantId: 'mine',
    });
  });
});
