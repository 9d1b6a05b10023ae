import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, HTTPResponseAck, HTTPModuleFunctions as http, type Logger, type Receiver } from '@slack/bolt';

/**
 * Bolt's receiver for /slack/events behind the gate (./envelope.ts): the gate has read,
 * verified and checked the request, and hands over the payload it parsed, so each Slack
 * request is parsed once and the listeners read the object the gate checked. Answers as
 * Bolt's ExpressReceiver does (ssl_check, url_verification, ack, Bolt's error handler).
 */
export class GateReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly logger: Logger) {}

  init(app: App): void {
    this.app = app;
  }

  // Nothing to listen on: the service's HTTP server carries /slack/events.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Runs a checked payload through Bolt's listeners and answers the request with their ack. */
  async handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    if (body.ssl_check) return http.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return http.buildUrlVerificationResponse(res, body);
    if (!this.app) throw new Error('GateReceiver used before Bolt initialised it');
    const ack = new HTTPResponseAck({
      logger: this.logger,
      processBeforeResponse: false,
      unhandledRequestHandler: http.defaultUnhandledRequestHandler,
      unhandledRequestTimeoutMillis: 3001,
      httpRequest: req,
      httpRequestBody: body,
      httpResponse: res,
    });
    const retryNum = http.extractRetryNumFromHTTPRequest(req);
    const retryReason = http.extractRetryReasonFromHTTPRequest(req);
    try {
      await this.app.processEvent({
        body,
        ack: ack.bind(),
        ...(retryNum !== undefined ? { retryNum } : {}),
        ...(retryReason !== undefined ? { retryReason } : {}),
        customProperties: {},
      });
      if (ack.storedResponse !== undefined) http.buildContentResponse(res, ack.storedResponse);
    } catch (err) {
      const answered = await http.defaultProcessEventErrorHandler({
        error: err as Error,
        logger: this.logger,
        request: req,
        response: res,
        storedResponse: ack.storedResponse,
      });
      if (answered) ack.ack();
    }
  }
}
