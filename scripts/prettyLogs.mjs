// Readable logs for a person at a terminal (npm run up); JSON lines everywhere else.
// pino-pretty is a devDependency: without it (npm ci --omit=dev) logs stay JSON.

/** Pretty only for a terminal outside production: pipes and log shippers get JSON. */
export function wantsPretty(stdout = process.stdout, env = process.env) {
  return Boolean(stdout.isTTY) && env.NODE_ENV !== 'production';
}

/** A stream that prints pino's JSON lines readably on stdout, or undefined when pino-pretty is not installed. */
export async function prettyStream() {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      destination: 1,
      sync: true,
    });
  } catch {
    return undefined;
  }
}
