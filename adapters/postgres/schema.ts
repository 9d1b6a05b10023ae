import type { ColumnType, Generated } from 'kysely';

/**
 * The record's tables as Kysely sees them (the migrations in migrations/ make them).
 * Times are timestamptz (Date); JSON columns are written as JSON text and read parsed.
 */
type Json<T> = ColumnType<T, string, string>;

export interface ChatsTable {
  id: string;
  ref: string;
  queue_id: string;
  status: string;
  user_name: string;
  user_email: string | null;
  /** lower(user_email), generated: history and erasure match on it. */
  user_email_key: ColumnType<string | null, never, never>;
  token_hash: string;
  owner_id: string | null;
  created_at: Date;
  accepted_at: Date | null;
  first_response_at: Date | null;
  ended_at: Date | null;
  ended_by: string | null;
  end_reason: string | null;
  escalated_at: Date | null;
  /** Wrap-up (migration 0002). */
  outcome: string | null;
  outcome_note: string | null;
  rating_score: number | null;
  rating_comment: string | null;
  rated_at: Date | null;
  /** Every place the chat was shown (Mirror[]). */
  mirrors: Json<unknown>;
  rev: number;
  /** The last archived entry (its stream id, split): 0-0 before the first. */
  cursor_ms: Generated<number>;
  cursor_seq: Generated<number>;
  archived_at: Generated<Date>;
}

export interface EntriesTable {
  chat_id: string;
  ms: number;
  seq: number;
  at: Date;
  kind: string;
  visibility: string;
  author: string | null;
  agent_id: string | null;
  text: string | null;
  file: Json<unknown> | null;
  /** The entry as the transcript holds it (EntryBody). */
  body: Json<unknown>;
}

export interface LegsTable {
  chat_id: string;
  id: string;
  queue_id: string;
  started_at: Date;
  waiting_since: Date | null;
  answered_at: Date | null;
  first_reply_at: Date | null;
  ended_at: Date | null;
  outcome: string | null;
  released: Generated<number>;
  transferred: Generated<number>;
  rating_score: number | null;
  /** Seconds: start to the first owner, start to the first reply, first owner to the end. */
  wait_s: number | null;
  first_s: number | null;
  handle_s: number | null;
}

export interface MembersTable {
  chat_id: string;
  id: string;
  agent_id: string;
  mode: string;
  via: string;
  leg_id: string;
  joined_at: Date;
  waited_from: Date | null;
  first_reply_at: Date | null;
  left_at: Date | null;
  outcome: string | null;
  abandoned: boolean;
  /** Seconds: how long the chat had waited for them, to their first reply, their turn. */
  wait_s: number | null;
  first_s: number | null;
  handle_s: number | null;
}

export interface EventsTable {
  chat_id: string;
  id: string;
  at: Date;
  event: string;
  by_agent: string | null;
  about: string | null;
  leg_id: string;
}

export interface InvitesTable {
  id: string;
  chat_id: string;
  leg_id: string | null;
  kind: string;
  mode: string;
  inviter_id: string;
  invitee_id: string;
  status: string;
  attempt: number;
  group_id: string | null;
  created_at: Date;
  expires_at: Date;
  responded_at: Date | null;
  note: string | null;
  reason: string | null;
  taken_by: string | null;
}

export interface ErasuresTable {
  id: string;
  /** Kept only until the erasure is done. */
  email: string | null;
  status: string;
  requested_at: Date;
  finished_at: Date | null;
  chats: number | null;
  replaced: number | null;
  unreached: Json<unknown> | null;
}

export interface Database {
  chats: ChatsTable;
  entries: EntriesTable;
  legs: LegsTable;
  members: MembersTable;
  chat_events: EventsTable;
  invites: InvitesTable;
  erasures: ErasuresTable;
}
