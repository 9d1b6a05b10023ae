import type { Express } from 'express';
import type { AppContext } from '../context.js';
import type { PlatformPort, PresenceSource } from '../ports.js';

/** A chat platform plugged into the service: its port, and its HTTP routes or socket. */
export interface PlatformModule {
  platform: PlatformPort;
  /** Its presence, for agents in `presence` mode (README "Availability"). */
  presence?: PresenceSource;
  mount?(app: Express): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Builds a platform once the application's context exists (src/main/platforms.ts lists them). */
export type PlatformFactory = (ctx: AppContext) => PlatformModule | Promise<PlatformModule>;
