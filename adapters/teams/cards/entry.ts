import type { SessionView } from '../../../src/app/ports.js';
import type { FileRef, TranscriptEntry } from '../../../src/domain/transcript.js';
import { LIMITS, safeText } from './escape.js';
import { agentName, endUserName, lookupIn } from './format.js';

/**
 * The markdown of a transcript entry relayed into a Teams thread or 1:1 mirror. Every piece
 * of typed text is escaped (end users and agents typing on another platform alike), so it
 * reads literally and cannot mention, link or format.
 */
export function entryText(entry: TranscriptEntry, view: SessionView): string {
  const agentsOnly = entry.visibility === 'agents' ? ' _(agents only)_' : '';
  switch (entry.kind) {
    case 'message': {
      const body = messageBody(entry.text, entry.file, view);
      if (entry.author === 'system') return `_${body || 'System message'}_`;
      const who = entry.author === 'user'
        ? `${endUserName(view.session)} (customer)`
        : entry.authorName
          ? safeText(entry.authorName, LIMITS.name)
          : agentName(entry.agentId ? lookupIn(view)(entry.agentId) : undefined, entry.agentId ?? 'Agent');
      return `**${who}**${agentsOnly}: ${body}`;
    }
    case 'edit':
      return `${safeText(entry.text, LIMITS.message)} _(edited)_`;
    case 'delete':
      return '_This message was deleted._';
    case 'status':
      switch (entry.status) {
        case 'waiting': return `_The chat is waiting in ${safeText(view.queue.name, LIMITS.name)}._`;
        case 'active': return `_${view.owner ? agentName(view.owner) : 'An agent'} accepted the chat._`;
        case 'ended': return '_The chat has ended._';
      }
      // exhaustive above; keeps the compiler content under noImplicitReturns settings
      return '';
    case 'participant': {
      const name = safeText(entry.name, LIMITS.name);
      const role = entry.mode === 'owner' ? 'owner' : entry.mode;
      const hidden = entry.mode === 'monitor' ? ' (not visible to the customer)' : '';
      return entry.action === 'joined' ? `_${name} joined as ${role}${hidden}._` : `_${name} left the chat._`;
    }
  }
}

function messageBody(text: string, file: FileRef | undefined, view: SessionView): string {
  const t = safeText(text, LIMITS.message);
  if (!file) return t;
  const link = `📎 [${safeText(file.name, LIMITS.name)}](${fileUrl(view, file)})`;
  return t ? `${t}\n\n${link}` : link;
}

/**
 * A link to a file: the file id itself when it is an http(s) URL, else the service's file
 * route under PUBLIC_URL. Parentheses and spaces are percent-encoded so the link target
 * cannot break out of the markdown.
 */
export function fileUrl(view: SessionView, file: FileRef): string {
  const raw = /^https?:\/\//i.test(file.id)
    ? file.id
    : `${view.publicUrl.replace(/\/+$/, '')}/api/v1/sessions/${encodeURIComponent(view.session.id)}/files/${encodeURIComponent(file.id)}`;
  return encodeURI(decodeSafe(raw)).replace(/[()<>\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeSafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}
