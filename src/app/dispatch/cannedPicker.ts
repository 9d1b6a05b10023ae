import { searchCanned } from '../../domain/canned.js';
import type { Agent } from '../../domain/directory.js';
import * as canned from '../canned.js';
import type { AppContext } from '../context.js';
import { cannedForm } from '../surfaces/canned.js';
import type { Surface } from '../surfaces/surface.js';
import { sessionView } from '../views.js';
import { code } from '../wording/index.js';

/**
 * The canned-reply picker for a chat, for an agent who may send them there (refused
 * otherwise): the replies a query finds, each previewed with its placeholders filled.
 */
export async function cannedPicker(
  ctx: AppContext,
  agent: Agent,
  sessionId: string,
  o: { query?: string | undefined; chosen?: string | undefined; prefix: string },
): Promise<Surface> {
  const session = await canned.assertMayUse(ctx, sessionId, agent.id);
  const [view, offered] = await Promise.all([sessionView(ctx, sessionId), canned.offeredIn(ctx, session, agent.id)]);
  const found = searchCanned(offered, o.query).map((c) => ({ ...c, filled: canned.filled(ctx, c, session, agent) }));
  const command = [code(`${o.prefix ? `${o.prefix} ` : ''}canned add <shortcut> <title> | <text>`)];
  return cannedForm(view, found, { chosen: o.chosen?.toLowerCase(), query: o.query, command });
}
