import { z } from 'zod';
import { InviteMode, Note } from '../domain/invite.js';

/**
 * Every button, menu and form Switchboard draws calls one verb with its data. The data
 * travels through the platform (a button's value, a card action's data) and
 * comes back untrusted: it is validated here, and it is only a pointer: the use case
 * re-reads the state and re-checks every rule for whoever clicked.
 */
const Id = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9_~.-]+$/, 'an id');
/** Which list a button sits on (a home, the monitoring card), so that list is what is drawn again after the click. */
export const ListScreen = z.enum(['home', 'monitor']);
export type ListScreen = z.infer<typeof ListScreen>;
const Session = z.object({ sessionId: Id, from: ListScreen.optional() });
const Invite = z.object({ inviteId: Id, from: ListScreen.optional() });
/** Form inputs arrive as strings; an empty one means "not given". */
const optional = (text: z.ZodString) => text.optional().transform((s) => (s ? s : undefined));
const Query = z.string().trim().max(100);
const ShortcutText = z.string().trim().max(40);

export const VERBS = {
  accept: Session,
  end: Session.extend({ outcome: optional(z.string().max(40)), note: optional(Note) }),
  'invite.open': Session,
  'invite.search': Session.extend({ query: optional(Query), mode: InviteMode.optional() }),
  /** agentId `*`: anyone available in the chat's queue. */
  'invite.send': Session.extend({
    agentId: z.union([Id, z.literal('*')]).optional(),
    mode: InviteMode.default('participant'),
    note: optional(Note),
  }),
  invites: Session,
  participate: Invite,
  monitor: Invite,
  reject: Invite.extend({ reason: optional(Note) }),
  'reject.open': Invite,
  'accept.offer': Invite,
  'transfer.open': Session,
  'transfer.search': Session.extend({ query: optional(Query) }),
  /** `to`: which of the form's choices the button sends (a colleague's own button, the queue's); without it, one of them must be given. */
  transfer: Session.extend({
    agentId: Id.optional(),
    queueId: z.union([Id, z.literal('-')]).optional(),
    note: optional(Note),
    to: z.enum(['agent', 'queue']).optional(),
  }),
  release: Session,
  leave: Session,
  'assist.open': Session,
  assist: Session.extend({ note: optional(Note) }),
  'assist.withdraw': Session,
  'promote.open': Session,
  promote: Session.extend({ agentId: Id.optional() }),
  resend: Invite,
  'invite.refresh': Invite,
  availability: z.object({ to: z.enum(['available', 'away']) }),
  join: Session.extend({ mode: InviteMode }),
  home: z.object({}),
  /** Draws one of the viewer's lists (a dialog's way back to it). */
  list: z.object({ name: ListScreen }),
  'chat.show': Session,
  /** Canned replies: the picker (with a chosen one's preview), sending one, and the agent's own. */
  'canned.open': Session.extend({ query: optional(Query) }),
  'canned.preview': Session.extend({ shortcut: optional(ShortcutText) }),
  'canned.send': Session.extend({ shortcut: optional(ShortcutText) }),
  'canned.edit': z.object({ shortcut: optional(ShortcutText) }),
  'canned.save': z.object({
    shortcut: optional(ShortcutText),
    title: optional(z.string().max(200)),
    text: optional(z.string().max(4000)),
  }),
  'canned.remove': z.object({ shortcut: ShortcutText }),
  /** Ending with a wrap-up: the form (a queue with outcomes), and its answer. */
  'end.open': Session,
  'line.send': z.object({ lineId: Id }),
  'line.run': z.object({ lineId: Id }),
} as const;

export type Verb = keyof typeof VERBS;
export type VerbData<V extends Verb> = z.output<(typeof VERBS)[V]>;

/** A verb with the data it carries on the platform (before validation). */
export type VerbCall = { [V in Verb]: { verb: V; data: z.input<(typeof VERBS)[V]> } }[Verb];
export type ParsedCall = { [V in Verb]: { verb: V; data: VerbData<V> } }[Verb];

export const isVerb = (v: unknown): v is Verb => typeof v === 'string' && Object.hasOwn(VERBS, v);

export const call = <V extends Verb>(verb: V, data: z.input<(typeof VERBS)[V]>): VerbCall =>
  ({ verb, data }) as VerbCall;

/** Validates a verb and its data from a platform; the error names what is wrong. */
export function parseCall(
  verb: unknown,
  data: unknown,
): { ok: true; call: ParsedCall } | { ok: false; detail: string } {
  if (!isVerb(verb)) return { ok: false, detail: `unknown action ${JSON.stringify(String(verb)).slice(0, 60)}` };
  const r = VERBS[verb].safeParse(data ?? {});
  if (!r.success)
    return { ok: false, detail: r.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ') };
  return { ok: true, call: { verb, data: r.data } as ParsedCall };
}
