import { describe, expect, it } from 'vitest';
import { home, message, modal, option } from '../../adapters/slack/render/blockKit.js';
import { entryLine } from '../../src/app/surfaces/entryLines.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { recent } from '../support/fixtures.js';
import { slackTypeErrors } from '../support/slackTypes.js';
import { activeLines, allSurfaces } from '../support/surfaces.js';

/**
 * Every Block Kit payload the renderer makes, type-checked against Slack's own types
 * (@slack/types, as @slack/bolt re-exports them) by the TypeScript compiler: each as what it is
 * sent as (a chat.postMessage's arguments, a modal, a home, a picker's options).
 */

const asSent = (s: Surface): [string, unknown] => {
  if (s.kind === 'dialog') return ['types.ModalView', modal(s)];
  if (s.kind === 'home') return ['types.HomeView', home(s)];
  return ['webApi.ChatPostMessageArguments', { channel: 'C0ITSUPPORT', ...message(s) }];
};

describe('Slack payloads against @slack/types', () => {
  it('every surface, as Slack is sent it, and a long line in sections, type-check', () => {
    const long = entryLine({ ...recent[0]!, text: '&'.repeat(20_000) }, activeLines)!;
    const payloads: Array<[string, unknown]> = [
      ...allSurfaces().map(([, s]) => asSent(s)),
      asSent(long),
      [
        'types.PlainTextOption[]',
        [option({ value: 'bob', label: 'Bob Martin <bob@example.com>', hint: 'Cannot invite: Bob is Away.' })],
      ],
    ];
    expect(slackTypeErrors(payloads, 'payloads')).toEqual([]);
  });

  it('the check can fail (a payload Slack would refuse does not type-check)', () => {
    const bad: Array<[string, unknown]> = [
      [
        'types.KnownBlock[]',
        [
          { type: 'section', text: { type: 'markdown', text: 'x' } },
          { type: 'actions', elements: [{ type: 'button', text: 'not an object' }] },
        ],
      ],
    ];
    const errors = slackTypeErrors(bad, 'bad');
    expect(errors.join('\n')).toMatch(/"markdown"/);
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});
