import type { Kysely } from 'kysely';

/** Wrap-up (README "Agents' tools"): the outcome an agent chose when ending a chat, and their note. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('chats').addColumn('outcome', 'text').execute();
  await db.schema.alterTable('chats').addColumn('outcome_note', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('chats').dropColumn('outcome_note').execute();
  await db.schema.alterTable('chats').dropColumn('outcome').execute();
}
