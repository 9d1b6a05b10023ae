import type { CannedReply, Offered } from '../../domain/canned.js';
import { call } from '../verbs.js';
import type { SessionView } from '../views.js';
import { plain, type Rich, words } from '../wording/index.js';
import { userName } from './names.js';
import { action, type Block, type Option, type Surface } from './surface.js';

/** The canned-reply picker and the editor of an agent's own (README "Agents' tools"). */

/** A canned reply as offered in a chat, its placeholders filled for the preview. */
export type Filled = Offered & { filled: string };

const PREVIEW_HINT = 70;
const snippet = (t: string, n: number): string => {
  const one = t.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

/**
 * Pick a canned reply for a chat: a choice of them by shortcut and title (Slack's menu filters
 * as one types), each with the start of its text, and the chosen one's preview. `query`: only
 * the replies it finds are listed (`canned <words>`, Teams' search).
 */
export function cannedForm(
  view: SessionView,
  replies: readonly Filled[],
  o: { chosen?: string | undefined; query?: string | undefined; command: Rich },
): Surface {
  const sessionId = view.session.id;
  const options: Option[] = replies.map((c) => ({
    value: c.shortcut,
    label: plain(words('canned.option', { shortcut: c.shortcut, title: c.title })),
    hint:
      c.source === 'personal'
        ? `${plain(words('canned.mine'))} · ${snippet(c.filled, PREVIEW_HINT)}`
        : snippet(c.filled, PREVIEW_HINT),
  }));
  const chosen = replies.find((c) => c.shortcut === o.chosen) ?? (replies.length === 1 ? replies[0] : undefined);
  const blocks: Block[] = [{ type: 'context', text: words('cannedForm.about', { user: userName(view.session) }) }];
  if (replies.length === 0) {
    blocks.push({
      type: 'notice',
      text: o.query
        ? words('cannedForm.noMatch', { query: o.query })
        : words('cannedForm.none', { command: o.command }),
      tone: 'info',
    });
  } else {
    blocks.push({
      type: 'input',
      field: {
        kind: 'choice',
        id: 'shortcut',
        label: words('cannedForm.pick'),
        options,
        placeholder: plain(words('cannedForm.placeholder')),
        redraw: call('canned.preview', { sessionId }),
        ...(chosen ? { initial: chosen.shortcut } : {}),
      },
    });
    if (chosen)
      blocks.push({
        type: 'quote',
        title: words('cannedForm.preview'),
        lines: chosen.filled.split('\n').map((l) => [l]),
      });
  }
  return {
    kind: 'dialog',
    title: words('cannedForm.title', { ref: view.session.ref }),
    blocks,
    ...(replies.length > 0
      ? { submit: action(words('action.send'), call('canned.send', { sessionId }), { style: 'primary' }) }
      : {}),
    back: call('chat.show', { sessionId }),
    fallback: words('cannedForm.title', { ref: view.session.ref }),
  };
}

/** Add or edit one of the agent's own canned replies. */
export function cannedEditor(reply?: Partial<CannedReply>): Surface {
  return {
    kind: 'dialog',
    title: words('cannedEdit.title'),
    blocks: [
      { type: 'context', text: words('cannedEdit.about') },
      {
        type: 'input',
        field: {
          kind: 'text',
          id: 'shortcut',
          label: words('cannedEdit.shortcut'),
          max: 32,
          optional: false,
          placeholder: 'thanks',
          ...(reply?.shortcut ? { initial: reply.shortcut } : {}),
        },
      },
      {
        type: 'input',
        field: {
          kind: 'text',
          id: 'title',
          label: words('cannedEdit.name'),
          max: 80,
          optional: false,
          ...(reply?.title ? { initial: reply.title } : {}),
        },
      },
      {
        type: 'input',
        field: {
          kind: 'text',
          id: 'text',
          label: words('cannedEdit.text'),
          max: 2000,
          optional: false,
          multiline: true,
          ...(reply?.text ? { initial: reply.text } : {}),
        },
      },
    ],
    submit: action(words('action.save'), call('canned.save', {}), { style: 'primary' }),
    back: call('home', {}),
    fallback: words('cannedEdit.title'),
  };
}

/** The home's list of the agent's own canned replies, with Edit and Remove, and Add. */
export function cannedList(replies: readonly CannedReply[]): Block[] {
  return [
    {
      type: 'list',
      title: words('home.canned', { n: replies.length }),
      items: replies.map((c): Block[] => [
        { type: 'text', text: words('home.canned.item', { shortcut: c.shortcut, title: c.title }) },
        { type: 'context', text: [snippet(c.text, 150)] },
        {
          type: 'actions',
          actions: [
            action(words('action.edit'), call('canned.edit', { shortcut: c.shortcut })),
            action(words('action.remove'), call('canned.remove', { shortcut: c.shortcut }), {
              confirm: {
                title: words('action.remove'),
                text: words('home.canned.item', { shortcut: c.shortcut, title: c.title }),
                yes: words('action.remove'),
                no: words('action.cancel'),
              },
            }),
          ],
        },
      ]),
      empty: words('home.canned.none'),
    },
    { type: 'actions', actions: [action(words('action.cannedAdd'), call('canned.edit', {}))] },
  ];
}
