import { createHash } from 'node:crypto';

/** An end user's token is kept only as this hash: the chat's use cases and the edge's check share it. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
