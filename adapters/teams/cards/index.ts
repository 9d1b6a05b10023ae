export { escapeTeamsMarkdown, truncate, safeText, LIMITS } from './escape.js';
export { VERBS, ALL_VERBS, isVerb, execute, type Verb } from './verbs.js';
export type { AdaptiveCard, ActionData, CardAction, CardElement, ExecuteAction, SubmitAction, Refresh } from './types.js';
export { sessionCard, inviteDetailsCard, type InviteDetailsOptions } from './session.js';
export { entryText, fileUrl } from './entry.js';
export { inviteCard, inviteOutcomeCard, inviteRefresh, answerActions, answerable } from './invite.js';
export { inviteSearchCard, type InviteCandidate, type InviteSearchOptions } from './search.js';
export { monitoringCard, homeCard } from './home.js';
export { helpCard, noticeCard, COMMANDS } from './misc.js';
