import { type Agent, fullName } from '../../domain/directory.js';
import type { Session } from '../../domain/session.js';
import type { FileRef, MessageEntry, TranscriptEntry } from '../../domain/transcript.js';
import { LOCAL_FILES } from '../files.js';
import type { SessionView } from '../views.js';
import { em, link, type Rich, strong, words } from '../wording/index.js';
import { sourceWord } from './availability.js';
import { duration, mention, modeWord, userName } from './names.js';
import type { Block, Surface } from './surface.js';

const QUOTE_LINE = 300;

/** What a chat line needs to be drawn: less than a whole view, so a line can be drawn as it is stored. */
export interface LineContext {
  session: Pick<Session, 'id' | 'ref' | 'endUser' | 'endedBy' | 'endReason'>;
  publicUrl: string;
  /** An agent's name, by id. */
  agent: (id: string) => Agent | undefined;
  /** The message an edit changes, when known. */
  target?: (entryId: string) => MessageEntry | undefined;
  /** A queue's name, by id. */
  queueName?: (id: string) => string | undefined;
  /** Where agents open a chat's file: a signed link (without it, the plain path). */
  fileUrl?: (file: FileRef) => string;
}

export const lineContext = (view: SessionView, agent: (id: string) => Agent | undefined): LineContext => ({
  session: view.session,
  publicUrl: view.publicUrl,
  agent: (id) =>
    view.members.find((m) => m.agentId === id)?.agent ?? (view.owner?.id === id ? view.owner : undefined) ?? agent(id),
  target: (id) => view.recent.find((m) => m.id === id),
  ...(view.fileUrl ? { fileUrl: view.fileUrl } : {}),
});

/**
 * Where an agent opens a file shared in the chat: served by Switchboard under the public URL.
 * The only place this path is written.
 */
export function fileUrl(c: Pick<LineContext, 'publicUrl' | 'session'>, file: FileRef): string {
  const base = c.publicUrl.replace(/\/+$/, '');
  return `${base}/api/v1/sessions/${encodeURIComponent(c.session.id)}/files/${encodeURIComponent(file.id)}`;
}

function size(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return ` (${bytes} B)`;
  if (bytes < 1024 * 1024) return ` (${(bytes / 1024).toFixed(1)} KB)`;
  return ` (${(bytes / 1024 / 1024).toFixed(1)} MB)`;
}

/** Who wrote a message, as agents read it. */
export function author(e: MessageEntry, c: Pick<LineContext, 'session' | 'agent'>): string {
  if (e.author === 'user') return userName(c.session as Session);
  if (e.author === 'system') return words('system').join('');
  const agent = e.agentId ? c.agent(e.agentId) : undefined;
  return agent ? fullName(agent) : (e.authorName ?? e.agentId ?? '');
}

const tag = (e: TranscriptEntry): Rich =>
  e.visibility === 'agents' ? words('line.agentsOnly') : e.visibility === 'private' ? words('line.note') : [];

/**
 * A transcript entry as a line in a chat's thread, or null when it is not shown there (the
 * root shows the status). `inChat` prefixes the chat's ref, for a 1:1 that holds several chats.
 */
export function entryLine(entry: TranscriptEntry, c: LineContext, opts: { inChat?: boolean } = {}): Surface | null {
  const text = entryText(entry, c);
  if (!text) return null;
  const prefix = opts.inChat ? words('line.inChat', { ref: c.session.ref }) : [];
  const body: Rich = [...prefix, ...tag(entry), ...text];
  const blocks: Block[] = [{ type: 'text', text: body }];
  if (entry.kind === 'message' && entry.file) {
    const f = entry.file;
    const url = c.fileUrl ? c.fileUrl(f) : fileUrl(c, f);
    const local =
      f.platform === LOCAL_FILES && f.size !== undefined
        ? { local: { sessionId: c.session.id, fileId: f.id, size: f.size } }
        : {};
    blocks.push({
      type: 'file',
      text: words('line.file', { link: [link(url, f.name)], size: size(f.size) }),
      url,
      name: f.name,
      ...local,
    });
  }
  return { blocks, fallback: body, meta: { kind: 'entry', id: entry.id } };
}

/** A line for a 1:1 that holds several chats (where lines cannot sit under their chat): the chat's ref before it. */
export function namingChat(s: Surface, ref: string): Surface {
  const [first, ...rest] = s.blocks;
  if (!first || (first.type !== 'text' && first.type !== 'context')) return s;
  const prefix = words('line.inChat', { ref });
  return {
    ...s,
    blocks: [{ ...first, text: [...prefix, ...first.text] }, ...rest],
    fallback: [...prefix, ...s.fallback],
  };
}

function entryText(entry: TranscriptEntry, c: LineContext): Rich | null {
  switch (entry.kind) {
    case 'message':
      if (entry.author === 'system') return [em(entry.text)];
      return words('line.message', { who: author(entry, c), text: entry.text });
    case 'edit': {
      const target = c.target?.(entry.targetId);
      return words('line.edited', { who: target ? author(target, c) : '…', text: entry.text });
    }
    case 'delete':
      return [em(...words('line.deleted'))];
    case 'status': {
      // The root shows the status; only the end is said in the thread, and by whom.
      if (entry.status !== 'ended') return null;
      const by = c.session.endedBy;
      if (c.session.endReason === 'unanswered') return words('line.unanswered');
      if (c.session.endReason === 'idle') return words('line.idle', { user: c.session.endUser.name });
      if (by === 'user') return words('line.endedByUser', { name: c.session.endUser.name });
      const agent = by ? c.agent(by) : undefined;
      return agent ? words('line.endedBy', { name: fullName(agent) }) : words('line.ended');
    }
    case 'participant': {
      // Agents read colleagues' full names everywhere (the end user's copy says only the first).
      const known = c.agent(entry.agentId);
      const name = known ? fullName(known) : entry.name;
      if (entry.action === 'promoted') return words('line.promoted', { name });
      // An owner leaves by handing the chat on: its own line says how.
      if (entry.action === 'left') return entry.mode === 'owner' ? null : words('line.left', { name });
      return words('line.joined', { name, mode: modeWord(entry.mode) });
    }
    case 'event': {
      const who = entry.by ? c.agent(entry.by) : undefined;
      const by = who ? fullName(who) : (entry.by ?? '…');
      switch (entry.event) {
        // `about`: the platform that showed the owner offline (src/app/lifecycle.ts releaseAway).
        case 'released':
          return entry.about
            ? words('line.released.away', { by, source: sourceWord(entry.about) })
            : words('line.released', { by });
        case 'moved':
          return words('line.moved', { by, queue: c.queueName?.(entry.about ?? '') ?? entry.about ?? '' });
        case 'help.asked':
          return entry.note ? words('line.helpAsked.note', { by, note: entry.note }) : words('line.helpAsked', { by });
        case 'help.withdrawn':
          return words('line.helpWithdrawn', { by });
        case 'escalated':
          return words('line.escalated', { queue: c.queueName?.(entry.about ?? '') ?? entry.about ?? '' });
        case 'response.late': {
          const owner = entry.by ? mention(c.agent(entry.by), entry.by) : words('none');
          return words(entry.about === 'first' ? 'line.responseLate.first' : 'line.responseLate.next', {
            owner,
            user: c.session.endUser.name,
            wait: duration(entry.waited ?? 0),
            target: duration(entry.target ?? 0),
          });
        }
        case 'response.overdue':
          return words('line.responseOverdue', {
            wait: duration(entry.waited ?? 0),
            queue: c.queueName?.(entry.from ?? '') ?? entry.from ?? '',
          });
        case 'rated': {
          const rating = { user: c.session.endUser.name, stars: '★'.repeat(entry.score ?? 0), score: entry.score ?? 0 };
          return entry.note
            ? words('line.rated.comment', { ...rating, comment: entry.note })
            : words('line.rated', rating);
        }
      }
    }
  }
}

/**
 * The last messages, quoted on a card so an invitee knows what the chat is about: named as
 * the thread names them, a line the end user never saw marked as such.
 */
export function messageQuote(view: SessionView, agent?: (id: string) => Agent | undefined): Block | null {
  if (view.recent.length === 0) return null;
  const c = lineContext(
    view,
    agent ??
      ((id) => view.members.find((m) => m.agentId === id)?.agent ?? (view.owner?.id === id ? view.owner : undefined)),
  );
  const lines = view.recent.map((m): Rich => {
    const t = (m.text || (m.file ? `📎 ${m.file.name}` : '')).replace(/\s+/g, ' ').trim();
    return [...tag(m), strong(`${author(m, c)}:`), ' ', t.length > QUOTE_LINE ? `${t.slice(0, QUOTE_LINE - 1)}…` : t];
  });
  return { type: 'quote', title: words('invite.card.recent'), lines };
}
