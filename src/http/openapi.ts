import { z } from 'zod';
import { type Auth, OPERATIONS, type Operation } from './routes.js';
import { ErrorAnswer, SessionId } from './schemas.js';

/** A request schema is closed (unknown fields are refused); an answer may gain fields later. */
const schema = (s: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if (io === 'output') delete ctx.jsonSchema.additionalProperties;
    },
  });
  return rest;
};

const security: Record<Auth, Array<Record<string, string[]>>> = {
  none: [],
  token: [{ sessionToken: [] }],
  tokenOrUrl: [{ sessionToken: [] }, { sessionTokenQuery: [] }],
  apiKey: [{ apiKey: [] }],
  tokenOrSigned: [{ sessionToken: [] }, { sessionTokenQuery: [] }, { signedLink: [] }],
};

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is invalid',
  401: 'No or wrong credentials',
  403: 'The credentials do not open this chat',
  404: 'Not found',
  409: "Not possible in the chat's state",
  410: 'Gone: the chat has ended',
  413: 'Too large',
  415: 'A kind of file that is not accepted, or one whose content does not match its name',
  429: 'Too many requests (see Retry-After)',
  503: 'Temporarily unavailable (Redis); try again shortly',
};

/** The OpenAPI 3.1 document of the end-user API, written from the route table (src/http/routes.ts) and its zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  for (const op of Object.values(OPERATIONS) as Operation[]) {
    const params: Array<Record<string, unknown>> = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: m[1] === 'id' ? schema(SessionId, 'input') : { type: 'string', maxLength: 100 },
    }));
    for (const [name, field] of Object.entries(op.query?.shape ?? {})) {
      const s = schema(field as z.ZodType, 'input');
      params.push({
        name,
        in: 'query',
        required: !(field as z.ZodType).safeParse(undefined).success,
        schema: s,
        ...(typeof s.description === 'string' ? { description: s.description } : {}),
      });
    }
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [op.ok.status]: {
        description: op.ok.description,
        content: { [op.ok.type ?? 'application/json']: op.ok.schema ? { schema: schema(op.ok.schema, 'output') } : {} },
      },
    };
    const takesInput = Boolean(op.body) || Boolean(op.upload) || params.length > 0;
    const upload = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } },
            required: ['file'],
          },
        },
      },
    };
    for (const status of [...(takesInput ? [400] : []), ...op.errors, 503].sort((a, b) => a - b))
      responses[status] = { description: STATUS_TEXT[status] ?? 'Error', ...error };
    paths[path] ??= {};
    paths[path][op.method] = {
      summary: op.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.body, 'input') } } } }
        : {}),
      ...(op.upload ? { requestBody: upload } : {}),
      security: security[op.auth],
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard end-user API',
      version: '1',
      description: 'Errors are {"error":{"code","message","issues?"}}; a caller\'s mistake is a 4xx, never a 500.',
    },
    servers: [{ url: '/api/v1' }],
    paths,
    components: {
      schemas: { Error: schema(ErrorAnswer, 'output') },
      securitySchemes: {
        sessionToken: { type: 'http', scheme: 'bearer', description: "The end user's token from POST /sessions" },
        sessionTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The same token, only where a browser opens a URL (event stream, file link)',
        },
        signedLink: {
          type: 'apiKey',
          in: 'query',
          name: 'sig',
          description: 'With exp: a signed, expiring download link, as agents get them on Slack and Teams',
        },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'Server-to-server key (API_KEYS); never in a URL',
        },
      },
    },
  };
}
