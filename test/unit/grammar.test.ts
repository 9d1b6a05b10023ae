import { describe, expect, it } from 'vitest';
import { commandWord, parseCommand } from '../../src/app/grammar.js';

describe('the command grammar', () => {
  it.each([
    ['invite bob', { kind: 'invite', who: { query: 'bob' }, mode: 'participant', ref: undefined }],
    [
      'invite Bob Martin participant k7q2xd',
      { kind: 'invite', who: { query: 'Bob Martin' }, mode: 'participant', ref: 'K7Q2XD' },
    ],
    [
      'invite bob@example.com',
      { kind: 'invite', who: { query: 'bob@example.com' }, mode: 'participant', ref: undefined },
    ],
    ['/invite bob monitor', { kind: 'invite', who: { query: 'bob' }, mode: 'monitor', ref: undefined }],
    ['  away ', { kind: 'away' }],
    ['offline', { kind: 'away' }],
    ['available', { kind: 'available' }],
    ['monitor', { kind: 'monitor' }],
    ['help', { kind: 'help' }],
  ])('parses %j', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  it('keeps an @mention whole, and takes the agent behind it', () => {
    const mentions = [{ text: '@Bob Martin', agentId: 'bob' }];
    expect(parseCommand('invite @Bob Martin monitor K7Q2XD', mentions)).toEqual({
      ok: true,
      command: { kind: 'invite', who: { agentId: 'bob' }, mode: 'monitor', ref: 'K7Q2XD' },
    });
  });

  it.each([
    ['invite', 'invite'],
    ['help is on the way', 'help'],
    ['away for lunch', 'away'],
    ['invite @Bob Martin and @Dan', 'invite'],
  ])('says %j is a command word whose arguments do not fit', (text, kind) => {
    const mentions = [
      { text: '@Bob Martin', agentId: 'bob' },
      { text: '@Dan', agentId: 'dan' },
    ];
    expect(parseCommand(text, mentions)).toEqual({ ok: false, kind, text });
  });

  it('is no command at all for other words', () => {
    expect(parseCommand('dance')).toEqual({ ok: false, text: 'dance' });
    expect(commandWord('Thanks, that helps')).toBeUndefined();
    expect(commandWord('Help is on the way')?.kind).toBe('help');
  });

  it("checks an assist note with the one note schema (the API's and the forms'): 300 characters at most", () => {
    expect(parseCommand(`assist ${'x'.repeat(300)} K7Q2XD`)).toEqual({
      ok: true,
      command: { kind: 'assist', note: 'x'.repeat(300), ref: 'K7Q2XD' },
    });
    const long = `assist ${'x'.repeat(301)}`;
    expect(parseCommand(long)).toEqual({
      ok: false,
      kind: 'assist',
      text: long,
      refusal: { ok: false, code: 'note_too_long', params: { n: 301, max: 300 } },
    });
  });
});
