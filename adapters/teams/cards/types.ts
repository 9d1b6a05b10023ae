/**
 * A small local model of Adaptive Card 1.5 JSON. The builders return plain objects; the
 * adapter wraps them in an attachment (`application/vnd.microsoft.card.adaptive`).
 */
export type CardElement = { type: string } & Record<string, unknown>;

export interface ActionData {
  verb: string;
  sessionId?: string;
  inviteId?: string;
  agentId?: string;
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: ActionData;
  style?: ActionStyle;
}

export interface ExecuteAction {
  type: 'Action.Execute';
  title: string;
  verb: string;
  data: ActionData;
  style?: ActionStyle;
  associatedInputs?: 'auto' | 'none';
  fallback?: SubmitAction;
}

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export type CardAction = ExecuteAction | SubmitAction | OpenUrlAction;
export type ActionStyle = 'default' | 'positive' | 'destructive';

export interface Refresh {
  type?: 'Refresh';
  action: ExecuteAction;
  userIds?: string[];
}

/** Teams-only card properties; not part of the Adaptive Card schema. */
export interface TeamsCardExtension {
  width?: 'Full';
  entities?: unknown[];
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: '1.5';
  $schema?: string;
  body: CardElement[];
  actions?: CardAction[];
  refresh?: Refresh;
  fallbackText?: string;
  msteams?: TeamsCardExtension;
}

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

/** A card with the fixed envelope; empty `actions` are left out. */
export function card(body: CardElement[], actions: CardAction[] = [], extra: Partial<Omit<AdaptiveCard, 'type' | 'version' | 'body'>> = {}): AdaptiveCard {
  const c: AdaptiveCard = { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: '1.5', body };
  if (actions.length > 0) c.actions = actions;
  return { ...c, ...extra };
}
