import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Errors are logged by name, message, code, status and stack only: HTTP client errors
 * (Slack's, the Bot Framework connector's) carry their request, and its Authorization header.
 */
function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; statusCode?: unknown; status?: unknown; data?: { error?: unknown } };
  return {
    type: e.name,
    message: e.message,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
    ...(typeof e.status === 'number' ? { status: e.status } : {}),
    ...(e.data?.error !== undefined ? { platformError: e.data.error } : {}),
    stack: e.stack,
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: { err: safeError },
      redact: {
        paths: [
          'token',
          '*.token',
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
