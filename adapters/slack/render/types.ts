/** Slack Block Kit types, from the copy of @slack/types that @slack/bolt ships. */
import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type ModalView = types.ModalView;
export type SlackHomeView = types.HomeView;
export type Button = types.Button;
export type PlainTextOption = types.PlainTextOption;

/** What chat.postMessage / chat.update / chat.postEphemeral take: fallback text plus blocks. */
export interface SlackMessage {
  /** Notification and accessibility fallback; always set. */
  text: string;
  blocks?: KnownBlock[];
}
