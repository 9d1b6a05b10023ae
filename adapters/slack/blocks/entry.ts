/** A transcript entry relayed into a Slack thread. */
import type { SessionView } from '../../../src/app/ports.js';
import type { FileRef, MessageEntry, TranscriptEntry } from '../../../src/domain/transcript.js';
import { context, section } from './elements.js';
import { agentName, agentsOfView, endUserLabel, MODE } from './names.js';
import { escapeMrkdwn, fallbackText, LIMITS, safe, truncate } from './text.js';
import type { KnownBlock, SlackMessage } from './types.js';

/**
 * Where an attached file can be fetched. Files are served by Switchboard itself, behind the
 * public URL; the path is defined here only.
 */
export function fileUrl(view: SessionView, file: FileRef): string {
  const base = view.publicUrl.replace(/\/+$/, '');
  return `${base}/api/v1/sessions/${encodeURIComponent(view.session.id)}/files/${encodeURIComponent(file.id)}`;
}

/** `<url|label>` with the label escaped; the url must not contain `<`, `>` or `|`. */
export function link(url: string, label: string): string {
  const u = url.replace(/[<>|\s]/g, encodeURIComponent);
  return `<${truncate(u, LIMITS.url)}|${safe(label, 200)}>`;
}

const VISIBILITY_TAG: Record<TranscriptEntry['visibility'], string> = {
  public: '',
  agents: ':eyes: _agents only_ · ',
  private: ':lock: _note_ · ',
};

function authorOf(e: MessageEntry, view: SessionView): string {
  if (e.author === 'user') return endUserLabel(view, false);
  if (e.author === 'system') return 'Switchboard';
  const agent = e.agentId ? agentsOfView(view).get(e.agentId) : undefined;
  return agent ? agentName(agent) : escapeMrkdwn(e.authorName ?? e.agentId ?? 'Agent');
}

function fileSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return ` (${bytes} B)`;
  if (bytes < 1024 * 1024) return ` (${(bytes / 1024).toFixed(1)} KB)`;
  return ` (${(bytes / 1024 / 1024).toFixed(1)} MB)`;
}

/**
 * The thread message for a transcript entry. For `edit`, the caller updates the target
 * message with this text (or posts it when the target is unknown); for `delete` likewise.
 */
export function entryMessage(entry: TranscriptEntry, view: SessionView): SlackMessage {
  const tag = VISIBILITY_TAG[entry.visibility];
  switch (entry.kind) {
    case 'message': {
      const who = authorOf(entry, view);
      const body = entry.text ? safe(entry.text, LIMITS.sectionText - 400) : '';
      if (entry.author === 'system') {
        const text = `${tag}_${body}_`;
        return { text: fallbackText(text), blocks: [context(text)] };
      }
      const line = `${tag}*${who}:* ${body}`.trimEnd();
      if (!entry.file) return { text: fallbackText(line) };
      const f = entry.file;
      const blocks: KnownBlock[] = [
        section(line),
        context(`:paperclip: ${link(fileUrl(view, f), f.name)}${escapeMrkdwn(fileSize(f.size))}`),
      ];
      return { text: fallbackText(`${line} [file: ${escapeMrkdwn(f.name)}]`), blocks };
    }
    case 'edit': {
      const target = view.recent.find((m) => m.id === entry.targetId);
      const who = target ? `*${authorOf(target, view)}:* ` : '';
      return { text: fallbackText(`${tag}${who}_edited:_ ${safe(entry.text, LIMITS.sectionText - 400)}`) };
    }
    case 'delete':
      return { text: fallbackText(`${tag}_This message was deleted._`) };
    case 'status': {
      const text = entry.status === 'waiting'
        ? `:hourglass_flowing_sand: ${endUserLabel(view, false)} is waiting in ${escapeMrkdwn(view.queue.name)}.`
        : entry.status === 'active'
          ? `:speech_balloon: ${agentName(view.owner, view.session.ownerId)} accepted the chat.`
          : ':white_check_mark: The chat has ended.';
      return { text: fallbackText(text), blocks: [context(text)] };
    }
    case 'participant': {
      const icon = entry.action === 'joined' ? ':arrow_right:' : ':arrow_left:';
      const text = entry.action === 'joined'
        ? `${icon} ${escapeMrkdwn(entry.name)} joined as ${MODE[entry.mode]}.`
        : `${icon} ${escapeMrkdwn(entry.name)} left the chat.`;
      return { text: fallbackText(text), blocks: [context(text)] };
    }
  }
}
