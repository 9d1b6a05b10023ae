/**
 * Slack message text as the end user should read it: entities unescaped, mentions and
 * links as plain words. The widget shows text, never HTML.
 */
export function slackToPlain(text: string, nameOf: (userId: string) => string | undefined = () => undefined): string {
  return text
    .replace(
      /<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g,
      (_m, id: string, label?: string) => `@${label ?? nameOf(id) ?? 'someone'}`,
    )
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1')
    .replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The Slack users a text @mentions, as written in the plain text of `commandText`. */
export function commandText(text: string): { text: string; mentions: Array<{ text: string; userId: string }> } {
  const mentions: Array<{ text: string; userId: string }> = [];
  const withIds = text.replace(/<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g, (_m, id: string, label?: string) => {
    const t = `@${label ?? id}`;
    mentions.push({ text: t, userId: id });
    return t;
  });
  return { text: slackToPlain(withIds), mentions };
}
