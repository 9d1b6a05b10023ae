import type { Logger } from 'pino';
import type { AvailabilityMode } from '../domain/availability.js';
import type { Delivery } from './delivery/delivery.js';
import type { DirectoryHolder } from './directory.js';
import type { IdentitySettings } from './endUsers/identity.js';
import type { EmailJobs, EndUserStore, Mailer } from './endUsers/port.js';
import type { Files } from './files.js';
import type { PlatformPort } from './ports.js';
import type { ArchiveFeed, RecordStore } from './record/port.js';
import type { AppendResult, Store } from './store.js';

/** Schedules and cancels invite expiry (BullMQ delayed jobs in production). */
/** Delayed work that must happen on time whatever else is busy: invite expiry, unanswered chats. */
export interface Timers {
  schedule(inviteId: string, at: number): Promise<void>;
  cancel(inviteId: string): Promise<void>;
  /** A chat still waiting at `at` ends as unanswered. */
  scheduleUnanswered(sessionId: string, at: number): Promise<void>;
  cancelUnanswered(sessionId: string): Promise<void>;
  /** A chat still waiting at `at` is escalated to its queue's supervisors (once). */
  scheduleEscalation(sessionId: string, at: number): Promise<void>;
  cancelEscalation(sessionId: string): Promise<void>;
  /** Response targets (src/app/timing.ts): at `at`, the wait `since` is checked at this stage (once per stage). */
  scheduleResponse(sessionId: string, stage: 'warn' | 'alert', since: string, at: number): Promise<void>;
  cancelResponse(sessionId: string): Promise<void>;
  /** Idle chats: at `at`, whether the end user said anything since the agent's reply `after`; replaces the chat's earlier idle timer. */
  scheduleIdle(sessionId: string, stage: 'warn' | 'end', after: string, at: number): Promise<void>;
  cancelIdle(sessionId: string): Promise<void>;
}

/** Tells the planner a session's outbox has effects to turn into deliveries. */
export interface OutboxKicker {
  kick(sessionId: string): Promise<void>;
}

/** Queues deliveries on their destinations, and drains them at each platform's pace. */
export interface DeliveryEngine {
  /** This process's name as a drainer: it claims destinations with it. */
  readonly owner: string;
  enqueue(dest: string, items: Delivery[]): Promise<void>;
  /** Destinations a commit claimed for this process, with what it queued: drained now. */
  started(claimed: AppendResult['claimed']): void;
}

/** Work on the record the workers do later (BullMQ in production): an erasure. */
export interface RecordJobs {
  erase(erasureId: string): Promise<void>;
}

/** Counters the use cases report; prom-client in production. */
export interface AppMetrics {
  inviteOutcome(outcome: 'created' | 'resent' | 'accepted' | 'rejected' | 'expired' | 'cancelled'): void;
  /** A chat ended unanswered (it waited WAITING_TIMEOUT_SECONDS). */
  unanswered(): void;
  /** A continuation email job's outcome (README "Email"). */
  emailed?(outcome: 'sent' | 'none' | 'present' | 'later'): void;
  /** An end user waited past a response target (`first` or `next` reply). */
  responseBreach(queueId: string, kind: 'first' | 'next'): void;
}

/**
 * Auto routing's triggers (routing.ts): a queue has a new or waiting-again chat (`not`: the
 * agent who just gave that chat back); an agent became available or freed capacity.
 */
export interface Router {
  queue(queueId: string, not?: { sessionId: string; agentId: string }): void;
  agent(agentId: string): void;
}

/** Republishes agents' homes soon, coalescing bursts. */
export interface HomeRefresher {
  refresh(agentIds: string[]): Promise<void>;
}

export interface Settings {
  inviteTtlMs: number;
  maxResends: number;
  publicUrl: string;
  /** End-user messages are refused (429) while a session has this many undelivered effects. */
  maxBacklog: number;
  /** A chat waiting this long ends as unanswered (0: never). */
  waitingTimeoutMs: number;
  /** How long a new chat waits for the record to say whether its end user chatted before (the root card's line). */
  historyLookupMs: number;
  /** README "Availability": the default mode, the grace, and the owner-away requeue (0: off). */
  availability: { mode: AvailabilityMode; graceMs: number; requeueMs: number };
  /** Verified end users (IDENTITY_SECRET, IDENTITY_SECRET_PREVIOUS, REQUIRE_IDENTITY). */
  identity: IdentitySettings;
  /** EMAIL_AFTER_SECONDS: how long an end user is away before an answer goes by email. */
  emailAfterMs: number;
}

/** Everything a use case needs; built once by the composition root. */
export interface AppContext {
  store: Store;
  directory: DirectoryHolder;
  timers: Timers;
  outbox: OutboxKicker;
  engine: DeliveryEngine;
  homes: HomeRefresher;
  router: Router;
  platforms: PlatformPort[];
  settings: Settings;
  log: Logger;
  metrics: AppMetrics;
  now: () => number;
  /** The end users' files, and the signed links agents open files with. */
  files: Files;
  /** The record of every chat (README "The record"), and the archive's feed from Redis. */
  record: RecordStore;
  archive: ArchiveFeed;
  recordJobs: RecordJobs;
  /** End users' side state: verified users' chats, their streams' last sighting, email claims. */
  endUsers: EndUserStore;
  /** Email continuation; absent without SMTP_URL (nothing is emailed). */
  mail?: { mailer: Mailer; jobs: EmailJobs };
}
