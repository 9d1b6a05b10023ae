/**
 * What Switchboard keeps about end users outside their chats (Redis in production): which
 * verified user has which open chat, when their browser last held an event stream, and the
 * claims that keep email continuation to one message per interval.
 */
export interface EndUserStore {
  /** The open chat of a verified user (by the host site's id), if one was recorded. */
  verifiedChat(userId: string): Promise<string | undefined>;
  /** Records the verified user's open chat (for `ttlMs`: at most as long as a chat stays in Redis). */
  setVerifiedChat(userId: string, sessionId: string, ttlMs: number): Promise<void>;
  /** Replaces the end user's token hash of a chat that exists; false when the chat is gone. */
  replaceToken(sessionId: string, tokenHash: string): Promise<boolean>;
  /** The end user's browser held the chat's event stream at `at` (refreshed while open, and at its close). */
  seen(sessionId: string, at: number): Promise<void>;
  lastSeen(sessionId: string): Promise<number | undefined>;
  /** True once per `ms` per chat (SET NX PX): the one email of that interval. */
  claimEmail(sessionId: string, ms: number): Promise<boolean>;
  /** Gives back the claim when the email could not be sent, so the retry sends it. */
  releaseEmail(sessionId: string): Promise<void>;
  /** The last transcript entry an email carried (later agent messages are news). */
  mailedUpTo(sessionId: string): Promise<string | undefined>;
  setMailedUpTo(sessionId: string, entryId: string): Promise<void>;
}

/** An email as sent (nodemailer over SMTP_URL in production). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** Emails the worker sends later (a BullMQ delayed job in production), one per chat at a time. */
export interface EmailJobs {
  /** The chat's continuation email is considered at `at` (an earlier one pending stays). */
  schedule(sessionId: string, at: number): Promise<void>;
}
