import type { Express } from 'express';
import type { AppContext } from '../context.js';
import type { PlatformPort, PresenceSource } from '../ports.js';
import type { KeyValue } from './keyValue.js';

/** A chat platform plugged into the service: its port, and its HTTP routes or socket. */
export interface PlatformModule {
  platform: PlatformPort;
  /** Its presence, for agents in `presence` mode (README "Availability"). */
  presence?: PresenceSource;
  mount?(app: Express): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Shared infrastructure a platform may use: storage every instance shares (e.g. Slack's installations). */
export interface PlatformInfra {
  kv: KeyValue;
}

/** Builds a platform once the application's context exists (src/main/platforms.ts lists them). */
export type PlatformFactory = (ctx: AppContext, infra?: PlatformInfra) => PlatformModule | Promise<PlatformModule>;
