/** Slack Block Kit types, re-exported from the copy of @slack/types that @slack/bolt ships. */
import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type View = types.View;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type Button = types.Button;
export type PlainTextOption = types.PlainTextOption;
export type PlainTextElement = types.PlainTextElement;
export type MrkdwnElement = types.MrkdwnElement;
export type SectionBlock = types.SectionBlock;
export type ActionsBlock = types.ActionsBlock;
export type ContextBlock = types.ContextBlock;
export type HeaderBlock = types.HeaderBlock;

/** What chat.postMessage / chat.update / chat.postEphemeral take: fallback text plus blocks. */
export interface SlackMessage {
  /** Notification and accessibility fallback; always set. */
  text: string;
  blocks?: KnownBlock[];
}
