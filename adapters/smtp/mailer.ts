import { createTransport, type Transporter } from 'nodemailer';
import type { Mail, Mailer } from '../../src/app/endUsers/port.js';

/**
 * Email over SMTP_URL with nodemailer (smtp:// or smtps://, credentials in the URL). The
 * sender is MAIL_FROM, else no-reply at PUBLIC_URL's host.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(smtpUrl: string, from: string | undefined, publicUrl: string) {
    this.transport = createTransport(smtpUrl);
    this.from = from ?? `Switchboard <no-reply@${new URL(publicUrl).hostname}>`;
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.transport.close();
  }
}
