import { type Kysely, sql } from 'kysely';

/** The record: chats, their entries, and what reports read (legs, members, events, invites); erasures. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .createTable('chats')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_email', 'text')
    .addColumn('user_email_key', 'text', (c) => c.generatedAlwaysAs(sql`lower(user_email)`).stored())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_by', 'text')
    .addColumn('end_reason', 'text')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('rating_score', 'smallint')
    .addColumn('rating_comment', 'text')
    .addColumn('rated_at', 'timestamptz')
    .addColumn('mirrors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('rev', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cursor_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cursor_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('archived_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('chats_ref').on('chats').columns(['ref', 'created_at']).execute();
  await db.schema.createIndex('chats_email').on('chats').columns(['user_email_key', 'created_at']).execute();
  await db.schema.createIndex('chats_created').on('chats').column('created_at').execute();
  // The reconciliation reads the chats Redis may still change: few, among many ended ones.
  await db.schema.createIndex('chats_open').on('chats').columns(['status', 'ended_at']).execute();

  const child = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'));

  await child('entries')
    .addColumn('ms', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('text', 'text')
    .addColumn('file', 'jsonb')
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('entries_pk', ['chat_id', 'ms', 'seq'])
    .execute();

  await child('legs')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('waiting_since', 'timestamptz')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('first_reply_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('outcome', 'text')
    // Seconds, kept beside the times they come from: percentiles sort plain numbers.
    .addColumn('wait_s', 'double precision')
    .addColumn('first_s', 'double precision')
    .addColumn('handle_s', 'double precision')
    .addColumn('released', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transferred', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_score', 'smallint')
    .addPrimaryKeyConstraint('legs_pk', ['chat_id', 'id'])
    .execute();
  await db.schema.createIndex('legs_queue').on('legs').columns(['queue_id', 'started_at']).execute();
  await db.schema.createIndex('legs_started').on('legs').column('started_at').execute();

  await child('members')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('leg_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .addColumn('waited_from', 'timestamptz')
    .addColumn('first_reply_at', 'timestamptz')
    .addColumn('left_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addColumn('abandoned', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('wait_s', 'double precision')
    .addColumn('first_s', 'double precision')
    .addColumn('handle_s', 'double precision')
    .addPrimaryKeyConstraint('members_pk', ['chat_id', 'id'])
    .execute();
  await db.schema.createIndex('members_agent').on('members').columns(['agent_id', 'joined_at']).execute();

  await child('chat_events')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('by_agent', 'text')
    .addColumn('about', 'text')
    .addColumn('leg_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_events_pk', ['chat_id', 'id'])
    .execute();
  await db.schema.createIndex('chat_events_by').on('chat_events').columns(['by_agent', 'at']).execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('leg_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('inviter_id', 'text', (c) => c.notNull())
    .addColumn('invitee_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('responded_at', 'timestamptz')
    .addColumn('note', 'text')
    .addColumn('reason', 'text')
    .addColumn('taken_by', 'text')
    .execute();
  await db.schema.createIndex('invites_chat').on('invites').columns(['chat_id', 'leg_id']).execute();
  await db.schema.createIndex('invites_inviter').on('invites').columns(['inviter_id', 'created_at']).execute();
  await db.schema.createIndex('invites_invitee').on('invites').columns(['invitee_id', 'created_at']).execute();

  await db.schema
    .createTable('erasures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('chats', 'integer')
    .addColumn('replaced', 'integer')
    .addColumn('unreached', 'jsonb')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['erasures', 'invites', 'chat_events', 'members', 'legs', 'entries', 'chats'])
    await db.schema.dropTable(t).ifExists().execute();
}
