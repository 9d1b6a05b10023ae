import { describe, expect, it } from 'vitest';
import { type Hours, HoursSchema, hoursAt, wallToInstant } from '../../src/domain/hours.js';
import { ConfigError, parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';

const iso = (s: string): number => Date.parse(s);
const state = (h: Hours, at: string) => {
  const s = hoursAt(h, iso(at));
  return s.open
    ? 'open'
    : s.opensAt === undefined
      ? 'closed for good'
      : `closed until ${new Date(s.opensAt).toISOString()}`;
};
const hours = (o: Partial<Hours> & Pick<Hours, 'timezone'>): Hours => HoursSchema.parse({ open: [], ...o });

const berlinOffice = hours({
  timezone: 'Europe/Berlin',
  open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }],
  closedMessage: 'We are back at 8:00.',
});

describe('business hours in Europe/Berlin', () => {
  it('opens at 08:00 and closes at 18:00 local time, in winter (UTC+1) and in summer (UTC+2)', () => {
    // Wednesday 2026-01-14: 08:00 CET is 07:00 UTC.
    expect(state(berlinOffice, '2026-01-14T06:59:59Z')).toBe('closed until 2026-01-14T07:00:00.000Z');
    expect(state(berlinOffice, '2026-01-14T07:00:00Z')).toBe('open');
    expect(state(berlinOffice, '2026-01-14T16:59:59Z')).toBe('open');
    expect(state(berlinOffice, '2026-01-14T17:00:00Z')).toBe('closed until 2026-01-15T07:00:00.000Z');
    // Wednesday 2026-07-15: 08:00 CEST is 06:00 UTC.
    expect(state(berlinOffice, '2026-07-15T06:30:00Z')).toBe('open');
    expect(state(berlinOffice, '2026-07-15T16:00:00Z')).toBe('closed until 2026-07-16T06:00:00.000Z');
  });

  it('over the weekend, opens on Monday', () => {
    // Friday 2026-01-16 18:00 CET → Monday 2026-01-19 08:00 CET.
    expect(state(berlinOffice, '2026-01-16T17:00:00Z')).toBe('closed until 2026-01-19T07:00:00.000Z');
    expect(state(berlinOffice, '2026-01-17T12:00:00Z')).toBe('closed until 2026-01-19T07:00:00.000Z');
  });

  it('across the spring change (last Sunday of March: 02:00 CET → 03:00 CEST)', () => {
    // Closed on Saturday 2026-03-28 (CET); opens Monday 2026-03-30 08:00 CEST = 06:00 UTC, not 07:00.
    expect(state(berlinOffice, '2026-03-28T12:00:00Z')).toBe('closed until 2026-03-30T06:00:00.000Z');
    expect(state(berlinOffice, '2026-03-30T05:59:00Z')).toBe('closed until 2026-03-30T06:00:00.000Z');
    expect(state(berlinOffice, '2026-03-30T06:00:00Z')).toBe('open');
    // Friday before the change closes at 18:00 CET = 17:00 UTC.
    expect(state(berlinOffice, '2026-03-27T16:59:00Z')).toBe('open');
    expect(state(berlinOffice, '2026-03-27T17:00:00Z')).toBe('closed until 2026-03-30T06:00:00.000Z');
  });

  it('across the autumn change (last Sunday of October: 03:00 CEST → 02:00 CET)', () => {
    // Friday 2026-10-23 closes 18:00 CEST = 16:00 UTC; Monday 2026-10-26 opens 08:00 CET = 07:00 UTC.
    expect(state(berlinOffice, '2026-10-23T15:59:00Z')).toBe('open');
    expect(state(berlinOffice, '2026-10-23T16:00:00Z')).toBe('closed until 2026-10-26T07:00:00.000Z');
    expect(state(berlinOffice, '2026-10-26T06:30:00Z')).toBe('closed until 2026-10-26T07:00:00.000Z');
    expect(state(berlinOffice, '2026-10-26T07:00:00Z')).toBe('open');
  });

  it('a window that starts in the hour the clocks skip opens when they jump', () => {
    const sunday = hours({ timezone: 'Europe/Berlin', open: [{ days: ['sun'], from: '02:30', to: '06:00' }] });
    // 2026-03-29 02:30 does not exist in Berlin: at 01:00 UTC the clocks go from 02:00 to 03:00.
    expect(state(sunday, '2026-03-29T00:30:00Z')).toBe('closed until 2026-03-29T01:00:00.000Z');
    expect(state(sunday, '2026-03-29T01:00:00Z')).toBe('open');
    expect(wallToInstant('Europe/Berlin', Date.UTC(2026, 2, 29, 2, 30))).toBe(iso('2026-03-29T01:00:00Z'));
    // The hour the clocks repeat: the first 02:30 counts.
    expect(wallToInstant('Europe/Berlin', Date.UTC(2026, 9, 25, 2, 30))).toBe(iso('2026-10-25T00:30:00Z'));
  });
});

describe('business hours in America/New_York', () => {
  const ny = hours({
    timezone: 'America/New_York',
    open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
  });

  it("follows the US change (second Sunday of March), weeks before Europe's", () => {
    // Friday 2026-03-06 EST (UTC-5) closes 22:00 UTC; Monday 2026-03-09 is EDT (UTC-4): opens 13:00 UTC.
    expect(state(ny, '2026-03-06T21:59:00Z')).toBe('open');
    expect(state(ny, '2026-03-06T22:00:00Z')).toBe('closed until 2026-03-09T13:00:00.000Z');
    expect(state(ny, '2026-03-09T13:00:00Z')).toBe('open');
    expect(state(ny, '2026-03-09T20:59:00Z')).toBe('open');
  });

  it('and back in November (first Sunday)', () => {
    // Friday 2026-10-30 EDT closes 21:00 UTC; Monday 2026-11-02 EST opens 14:00 UTC.
    expect(state(ny, '2026-10-30T21:00:00Z')).toBe('closed until 2026-11-02T14:00:00.000Z');
    expect(state(ny, '2026-11-02T13:59:00Z')).toBe('closed until 2026-11-02T14:00:00.000Z');
    expect(state(ny, '2026-11-02T14:00:00Z')).toBe('open');
  });
});

describe('windows past midnight, whole days, and no windows at all', () => {
  it('a night shift from 22:00 to 06:00 runs into the next day', () => {
    const night = hours({ timezone: 'UTC', open: [{ days: ['fri'], from: '22:00', to: '06:00' }] });
    // Friday 2026-01-16.
    expect(state(night, '2026-01-16T21:59:00Z')).toBe('closed until 2026-01-16T22:00:00.000Z');
    expect(state(night, '2026-01-16T23:30:00Z')).toBe('open');
    expect(state(night, '2026-01-17T05:59:00Z')).toBe('open');
    expect(state(night, '2026-01-17T06:00:00Z')).toBe('closed until 2026-01-23T22:00:00.000Z');
    // Thursday night is not Friday's window.
    expect(state(night, '2026-01-16T02:00:00Z')).toBe('closed until 2026-01-16T22:00:00.000Z');
  });

  it('a night shift across the autumn change lasts an hour longer', () => {
    const night = hours({ timezone: 'Europe/Berlin', open: [{ days: ['sat'], from: '22:00', to: '06:00' }] });
    // Saturday 2026-10-24 22:00 CEST = 20:00 UTC until Sunday 06:00 CET = 05:00 UTC.
    expect(state(night, '2026-10-24T20:00:00Z')).toBe('open');
    expect(state(night, '2026-10-25T04:59:00Z')).toBe('open');
    expect(state(night, '2026-10-25T05:00:00Z')).toBe('closed until 2026-10-31T21:00:00.000Z');
  });

  it('00:00 to 24:00 is the whole day; consecutive days join', () => {
    const weekend = hours({ timezone: 'Asia/Tokyo', open: [{ days: ['sat', 'sun'], from: '00:00', to: '24:00' }] });
    // Saturday 2026-01-17 00:00 JST = Friday 15:00 UTC; Monday 00:00 JST = Sunday 15:00 UTC.
    expect(state(weekend, '2026-01-16T14:59:00Z')).toBe('closed until 2026-01-16T15:00:00.000Z');
    expect(state(weekend, '2026-01-17T15:00:00Z')).toBe('open');
    expect(state(weekend, '2026-01-18T14:59:59Z')).toBe('open');
    expect(state(weekend, '2026-01-18T15:00:00Z')).toBe('closed until 2026-01-23T15:00:00.000Z');
  });

  it('a queue with no windows is always closed and never says when it opens', () => {
    const closed = hours({
      timezone: 'Europe/Berlin',
      open: [],
      closedMessage: 'This line is closed; write to help@example.com.',
    });
    for (const at of ['2026-01-14T10:00:00Z', '2026-03-29T01:00:00Z', '2026-07-15T12:00:00Z'])
      expect(state(closed, at)).toBe('closed for good');
  });
});

describe('hours in the directory file', () => {
  const dir = (hoursYaml: string) =>
    parseDirectory(`queues:\n  - id: q\n    name: Q\n    hours: ${hoursYaml}\n`, 'dir.yaml', DIRECTORY_SECTIONS);

  it('are read with the queue', () => {
    const q = dir(
      '{ timezone: Europe/Berlin, open: [{ days: [mon, fri], from: "08:00", to: "18:00" }], closedMessage: Back at 8. }',
    ).queue('q');
    expect(q?.hours).toEqual({
      timezone: 'Europe/Berlin',
      open: [{ days: ['mon', 'fri'], from: '08:00', to: '18:00' }],
      closedMessage: 'Back at 8.',
    });
  });

  it('refuse an unknown time zone, a bad time, an unknown day, an empty window, with the path', () => {
    const problems = (yaml: string): string => {
      try {
        dir(yaml);
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
    };
    expect(problems('{ timezone: Europe/Berlln, open: [] }')).toMatch(/queues\.0\.hours\.timezone: an IANA time zone/);
    expect(problems('{ timezone: "+01:00", open: [] }')).toMatch(/queues\.0\.hours\.timezone/);
    expect(problems('{ timezone: UTC, open: [{ days: [mon], from: "8:00", to: "18:00" }] }')).toMatch(
      /queues\.0\.hours\.open\.0\.from: a time such as 08:00/,
    );
    expect(problems('{ timezone: UTC, open: [{ days: [monday], from: "08:00", to: "18:00" }] }')).toMatch(
      /queues\.0\.hours\.open\.0\.days\.0/,
    );
    expect(problems('{ timezone: UTC, open: [{ days: [mon], from: "08:00", to: "08:00" }] }')).toMatch(
      /queues\.0\.hours\.open\.0\.to/,
    );
    expect(problems('{ timezone: UTC, open: [{ days: [], from: "08:00", to: "18:00" }] }')).toMatch(
      /queues\.0\.hours\.open\.0\.days/,
    );
    expect(problems('{ timezone: UTC, open: [], closed: yes }')).toMatch(/queues\.0\.hours/);
  });
});
