import { type Activity, TurnContext as TC, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { newFileId } from '../../../src/app/files.js';
import type { Mention } from '../../../src/app/grammar.js';
import { commandWord } from '../../../src/app/grammar.js';
import type { FileRef } from '../../../src/domain/transcript.js';
import { activityText, isChannelThread, isPersonal, mentionsBot } from '../activity.js';
import { placeKey, TEAMS } from '../platform.js';
import { PREFIX, present, run, type TeamsDeps } from './present.js';

/** A file a Teams user sent: offered by Teams in one of two shapes. */
const DownloadInfo = z.object({ downloadUrl: z.url(), fileType: z.string().max(20).optional() });
const Attachment = z.object({
  contentType: z.string(),
  contentUrl: z.string().optional(),
  name: z.string().optional(),
  content: z.unknown().optional(),
});

/**
 * The files an agent's message carries: a file sent in a 1:1 (a download link Teams signed)
 * or an image pasted in (on the connector). The message's own HTML copy and cards are not files.
 */
function filesOf(a: Activity): FileRef[] {
  const out: FileRef[] = [];
  for (const raw of a.attachments ?? []) {
    const att = Attachment.safeParse(raw);
    if (!att.success) continue;
    const { contentType, contentUrl, name } = att.data;
    if (contentType === 'application/vnd.microsoft.teams.file.download.info') {
      const info = DownloadInfo.safeParse(att.data.content);
      if (info.success)
        out.push({
          id: newFileId(),
          name: (name ?? `file.${info.data.fileType ?? 'bin'}`).slice(0, 255),
          platform: TEAMS,
          url: info.data.downloadUrl,
        });
    } else if (/^image\/[a-z0-9.+-]+$/i.test(contentType) && contentUrl && /^https?:\/\//.test(contentUrl)) {
      const ext = contentType.split('/')[1]!.replace(/\W.*$/, '');
      out.push({
        id: newFileId(),
        name: (name ?? `image.${ext}`).slice(0, 255),
        mimetype: contentType,
        platform: TEAMS,
        url: contentUrl,
      });
    }
  }
  return out;
}

/** The people an activity @mentions (other than the bot), as the plain text reads them. */
async function mentions(d: TeamsDeps, tc: TurnContext): Promise<Mention[]> {
  const others = TC.getMentions(tc.activity).filter(
    (m) => m.mentioned?.id && m.mentioned.id !== tc.activity.recipient?.id,
  );
  const found = await Promise.all(
    others.map(async (m) => ({
      text: (m.mentioned.name ?? m.text?.replace(/<\/?at>/g, '') ?? '').trim(),
      agentId: (await d.people.agentFor(tc, m.mentioned))?.id ?? '',
    })),
  );
  return found.filter((m) => m.text && m.agentId);
}

/**
 * A message to the bot: a reply in a chat's channel thread, a line in an agent's 1:1 (a reply
 * or a command: the core decides), or a command by @mention anywhere else.
 */
export async function onMessage(d: TeamsDeps, tc: TurnContext): Promise<void> {
  const a = tc.activity;
  const text = activityText(a);
  const place = placeKey(a.conversation.id);
  const agent = await d.people.agentOf(tc);
  const link = a.id ? `${place}:${a.id}` : undefined;
  const files = filesOf(a);
  const attached = files.length > 0 ? { files } : {};
  if (isPersonal(a)) {
    return present(
      d,
      tc,
      await run(d, {
        kind: 'reply',
        agent,
        place,
        text,
        commandable: true,
        mentions: await mentions(d, tc),
        ...attached,
        ...(link ? { link } : {}),
      }),
    );
  }
  const inChat = isChannelThread(a) && (await d.ctx.store.links.mirrorChats(place)).length > 0;
  if (inChat && !(mentionsBot(a) && commandWord(text))) {
    if (!text && files.length === 0) return;
    return present(d, tc, await run(d, { kind: 'reply', agent, place, text, ...attached, ...(link ? { link } : {}) }));
  }
  if (!mentionsBot(a) && !isPersonal(a) && isChannelThread(a)) return; // channel talk that is not about a chat
  return present(
    d,
    tc,
    await run(d, {
      kind: 'command',
      agent,
      text,
      mentions: await mentions(d, tc),
      ...(inChat ? { place } : {}),
      prefix: PREFIX,
    }),
  );
}

/** An agent edited or deleted a message they had sent. */
export async function onRevision(d: TeamsDeps, tc: TurnContext, deleted: boolean): Promise<void> {
  const a = tc.activity;
  if (!a.id) return;
  const place = placeKey(a.conversation.id);
  await run(d, {
    kind: 'revise',
    agent: await d.people.agentOf(tc),
    link: `${place}:${a.id}`,
    text: deleted ? null : activityText(a),
  });
}
