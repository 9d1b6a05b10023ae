import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_ONLINE, GRAPH_AVAILABILITIES } from '../domain/availability.js';
import { Directory, type DirectorySections, directorySchema } from '../domain/directory.js';

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

/** `n` per minute; 0 turns the limit off (e.g. when a gateway in front already limits). */
const perMinute = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

const proxyNames = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (item: string): boolean => {
  if (proxyNames.includes(item)) return true;
  const [ip = '', bits, extra] = item.split('/');
  const family = isIP(ip);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
/**
 * Express's `trust proxy`: unset or `false` trusts no X-Forwarded-For (the socket's address
 * is the client); `true` trusts every hop; a number trusts that many hops; otherwise a
 * comma-separated list of proxy addresses, subnets or loopback / linklocal / uniquelocal.
 */
const TrustProxy = z
  .string()
  .trim()
  .refine(
    (v) => /^(true|false|\d{1,2})$/.test(v) || v.split(',').every((i) => isProxyAddress(i.trim())),
    'true, false, a number of hops, or comma-separated addresses / subnets / loopback, linklocal, uniquelocal',
  )
  .transform((v): boolean | number | string[] =>
    v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((i) => i.trim()),
  );

/** Comma-separated ids, each matching `pattern`. */
const idList = (pattern: RegExp, what: string) =>
  z.string().transform((value, ctx) => {
    const ids = value
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const bad = ids.find((id) => !pattern.test(id));
    if (bad !== undefined || ids.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `comma-separated ${what}${bad !== undefined ? `; "${bad}" is not one` : ''}`,
      });
      return z.NEVER;
    }
    return ids;
  });

/** Browser origins (scheme, host, port; no path), comma-separated, normalised as browsers send them. */
const Origins = z.string().transform((value, ctx) => {
  const out: string[] = [];
  for (const raw of value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    let u: URL | undefined;
    try {
      u = new URL(raw);
    } catch {
      u = undefined;
    }
    if (!u || !['http:', 'https:'].includes(u.protocol) || u.pathname !== '/' || u.search || u.hash || u.username) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not an origin such as https://www.example.com` });
      return z.NEVER;
    }
    out.push(u.origin);
  }
  return out;
});

export const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_URL: z.url().optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    REDIS_CLUSTER_NODES: z
      .string()
      .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'comma-separated host:port seeds')
      .transform((s) => s.split(',').map((n) => n.trim()))
      .optional(),
    WAITING_TIMEOUT_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(1800),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'letters, digits, _ . - (at most 32)')
      .default('sb'),
    DIRECTORY_FILE: z.string().min(1).default('./directory.yaml'),
    INVITE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
    INVITE_MAX_RESENDS: z.coerce.number().int().min(0).max(20).default(3),
    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xox[bp]-/, 'a bot token starting with xoxb-')
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-/, 'an app-level token starting with xapp-')
      .optional(),
    SLACK_API_URL: z.url().default('https://slack.com/api/'),
    SLACK_COMMAND: z
      .string()
      .regex(/^\/[a-z0-9_-]{1,31}$/, 'a slash command such as /chat')
      .default('/chat'),
    MicrosoftAppId: z.string().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: z.string().default(''),
    TEAMS_ENABLED: flag.optional(),
    API_KEYS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      ),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ROLE: z.enum(['web', 'worker', 'all']).default('all'),
    SESSION_CREATE_LIMIT: perMinute(10),
    SESSION_CREATE_QUEUE_LIMIT: perMinute(60),
    TRUST_PROXY: TrustProxy.default(false),
    ALLOWED_ORIGINS: Origins.default([]),
    ADMIN_TOKEN: z.string().min(16, 'at least 16 characters (e.g. openssl rand -hex 24)').optional(),
    FILES_DIR: z.string().min(1).default('./data/files'),
    MAX_FILE_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(1024 * 1024 * 1024)
      .default(10_485_760),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
    // Availability from presence (README "Availability").
    AVAILABILITY_MODE: z.enum(['manual', 'presence']).default('manual'),
    PRESENCE_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
    PRESENCE_SLACK_PER_MINUTE: z.coerce.number().int().min(1).max(1_000).default(40),
    PRESENCE_ONLINE: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(GRAPH_AVAILABILITIES, `one of ${GRAPH_AVAILABILITIES.join(', ')}`)).min(1))
      .default([...DEFAULT_ONLINE]),
    OWNER_AWAY_REQUEUE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
    GRAPH_API_URL: z.url().default('https://graph.microsoft.com/v1.0/'),
    MICROSOFT_AUTHORITY_URL: z.url().default('https://login.microsoftonline.com/'),
    // Verified end users and email continuation (README "Verified end users", "Email").
    IDENTITY_SECRET: z.string().min(16, 'at least 16 characters (e.g. openssl rand -hex 32)').optional(),
    IDENTITY_SECRET_PREVIOUS: z.string().min(16, 'at least 16 characters').optional(),
    REQUIRE_IDENTITY: flag.default(false),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
      .optional(),
    MAIL_FROM: z.string().min(3).max(254).optional(),
    EMAIL_AFTER_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .default(120),
    // Installs (README "Install into several workspaces"): Slack OAuth v2 and several Teams tenants.
    SLACK_CLIENT_ID: z
      .string()
      .regex(/^\d+\.\d+$/, 'a Slack client id such as 1234567890.1234567890')
      .optional(),
    SLACK_CLIENT_SECRET: z.string().min(1).optional(),
    SLACK_STATE_SECRET: z.string().min(16, 'at least 16 characters (e.g. openssl rand -hex 24)').optional(),
    INSTALLATION_KEY: z.string().min(32, 'at least 32 characters (e.g. openssl rand -base64 32)').optional(),
    SLACK_ALLOWED_TEAMS: idList(
      /^[TE][A-Z0-9]+$/,
      'Slack team or enterprise ids such as T0123ABC, E0123ABC',
    ).optional(),
    SLACK_TOKEN_ROTATION: flag.default(true),
    TEAMS_ALLOWED_TENANTS: idList(/^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/, 'tenant ids (GUIDs)').optional(),
  })
  .transform((e) => ({
    ...e,
    // Unset: this machine, on the port it listens on.
    PUBLIC_URL: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    slackEnabled: Boolean(e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID),
    teamsEnabled: e.TEAMS_ENABLED ?? Boolean(e.MicrosoftAppId),
    // One process per core; the embedded PGlite serves one process, so without DATABASE_URL it is one.
    processes: e.WEB_CONCURRENCY ?? (e.DATABASE_URL ? availableParallelism() : 1),
  }));

export type Env = z.infer<typeof EnvSchema>;

/** Rules across variables, checked on the raw values so they are reported with every other problem. */
function crossChecks(e: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
    out.push(
      'SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  if (e.MicrosoftAppId && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword)
    out.push('MicrosoftAppPassword: required when MicrosoftAppId is set');
  if (e.WEB_CONCURRENCY && Number(e.WEB_CONCURRENCY) > 1 && !e.DATABASE_URL)
    out.push('WEB_CONCURRENCY: more than one process needs DATABASE_URL (the embedded PGlite serves one process)');
  if (e.MicrosoftAppType === 'SingleTenant' && e.MicrosoftAppId && !e.MicrosoftAppTenantId)
    out.push('MicrosoftAppTenantId: required for a SingleTenant app');
  if (e.REQUIRE_IDENTITY && ['true', '1', 'yes'].includes(e.REQUIRE_IDENTITY) && !e.IDENTITY_SECRET)
    out.push('IDENTITY_SECRET: required with REQUIRE_IDENTITY=true');
  if (e.IDENTITY_SECRET_PREVIOUS && !e.IDENTITY_SECRET)
    out.push('IDENTITY_SECRET: required with IDENTITY_SECRET_PREVIOUS');
  if (e.SLACK_CLIENT_ID) {
    // OAuth installs: every installation brings its own token, so a fixed one would be ambiguous.
    if (e.SLACK_BOT_TOKEN)
      out.push('SLACK_BOT_TOKEN: leave it unset with SLACK_CLIENT_ID (installs bring their own tokens)');
    for (const name of ['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'INSTALLATION_KEY'] as const)
      if (!e[name]) out.push(`${name}: required with SLACK_CLIENT_ID`);
    if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
      out.push(
        'SLACK_SIGNING_SECRET: required with SLACK_CLIENT_ID in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      );
  }
  return out;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One message naming every problem: where, what path, what was expected. */
export function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `${source} is invalid:\n${lines.join('\n')}`;
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)),
    ...crossChecks(cleaned),
  ];
  if (problems.length > 0 || !parsed.success)
    throw new ConfigError(`environment is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return parsed.data;
}

/** `sections`: each platform's own part of the file, injected by the root (src/main/platforms.ts). */
export function parseDirectory(text: string, file: string, sections: DirectorySections): Directory {
  let raw: unknown;
  try {
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  const parsed = directorySchema(sections).safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(`directory file ${file}`, parsed.error));
  return new Directory(parsed.data);
}

export async function loadDirectory(file: string, sections: DirectorySections): Promise<Directory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `directory file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseDirectory(text, file, sections);
}
