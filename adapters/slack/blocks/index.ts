/** Slack Block Kit builders: pure functions of domain state. */
export { ACTIONS, BLOCKS, type ActionId, type AvailabilityValue, isAvailabilityValue } from './actions.js';
export { LIMITS, ELLIPSIS, escapeMrkdwn, truncate, truncateMrkdwn, safe, slackDate, utcFallback, fallbackText, oneLine } from './text.js';
export { capBlocks, fitGroups, type BlockGroup } from './elements.js';
export { sessionRoot, inviteDetails, inviteSummary, inviteCounter } from './session.js';
export { entryMessage, fileUrl, link } from './entry.js';
export { inviteCard, inviteOutcome, inviteAnswerButtons, canOfferResend, isAnswerable, recentQuote } from './invite.js';
export { inviteModal, agentOptions, agentOptionText } from './modal.js';
export { homeView, monitoringList, supervisorButtons } from './home.js';
export { helpText } from './help.js';
export { limitViolations } from './limits.js';
export { type AgentLookup } from './names.js';
export type { KnownBlock, View, ModalView, HomeView, SlackMessage } from './types.js';
