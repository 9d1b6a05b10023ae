import type { Agent } from '../../src/domain/directory.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';
import type { HomeView, InviteView, MessageRef, Mirror, PlatformPort, SessionView } from '../../src/app/ports.js';

export type Recorded =
  | { op: 'openChannel'; sessionId: string }
  | { op: 'openDirect'; sessionId: string; agentId: string }
  | { op: 'render'; mirror: string; sessionId: string; status: string; invites: number }
  | { op: 'entry'; mirror: string; sessionId: string; entry: TranscriptEntry }
  | { op: 'outcome'; mirror: string; inviteId: string; status: string }
  | { op: 'card'; inviteId: string; status: string; update: boolean }
  | { op: 'notice'; mirror: string; text: string }
  | { op: 'home'; agentId: string };

/**
 * A platform that keeps what it is asked to do in memory: the core's tests run end to end
 * with it, and a local trial without Slack or Teams uses it.
 */
export class RecordingPlatform implements PlatformPort {
  readonly calls: Recorded[] = [];
  private seq = 0;
  /** Set to make the next calls fail, e.g. with a RetryLaterError. */
  failWith: (() => Error) | undefined;
  failTimes = 0;

  constructor(readonly id = 'recording', private readonly reachable: (a: Agent) => boolean = () => true) {}

  private record(c: Recorded): string {
    if (this.failTimes > 0 && this.failWith) {
      this.failTimes--;
      throw this.failWith();
    }
    this.calls.push(c);
    return String(++this.seq);
  }

  of<K extends Recorded['op']>(op: K): Extract<Recorded, { op: K }>[] {
    return this.calls.filter((c): c is Extract<Recorded, { op: K }> => c.op === op);
  }

  async openChannelMirror(view: SessionView): Promise<Mirror> {
    this.record({ op: 'openChannel', sessionId: view.session.id });
    return { key: `${this.id}:channel:${view.session.id}`, platform: this.id, kind: 'channel', address: { sessionId: view.session.id } };
  }
  async openDirectMirror(view: SessionView, agent: Agent): Promise<Mirror> {
    this.record({ op: 'openDirect', sessionId: view.session.id, agentId: agent.id });
    return { key: `${this.id}:direct:${agent.id}:${view.session.id}`, platform: this.id, kind: 'direct', agentId: agent.id, address: { agentId: agent.id } };
  }
  reaches(agent: Agent): boolean {
    return this.reachable(agent);
  }
  async renderSession(mirror: Mirror, view: SessionView): Promise<void> {
    this.record({ op: 'render', mirror: mirror.key, sessionId: view.session.id, status: view.session.status, invites: view.invites.length });
  }
  async postEntry(mirror: Mirror, view: SessionView, entry: TranscriptEntry): Promise<MessageRef> {
    return { id: this.record({ op: 'entry', mirror: mirror.key, sessionId: view.session.id, entry }) };
  }
  async postInviteOutcome(mirror: Mirror, iv: InviteView): Promise<void> {
    this.record({ op: 'outcome', mirror: mirror.key, inviteId: iv.invite.id, status: iv.invite.status });
  }
  async sendInviteCard(iv: InviteView): Promise<MessageRef | null> {
    if (!this.reachable(iv.invitee)) return null;
    return { id: this.record({ op: 'card', inviteId: iv.invite.id, status: iv.invite.status, update: false }) };
  }
  async updateInviteCard(iv: InviteView): Promise<void> {
    this.record({ op: 'card', inviteId: iv.invite.id, status: iv.invite.status, update: true });
  }
  async postNotice(mirror: Mirror, _view: SessionView, text: string): Promise<void> {
    this.record({ op: 'notice', mirror: mirror.key, text });
  }
  async publishHome(home: HomeView): Promise<void> {
    this.calls.push({ op: 'home', agentId: home.agent.id });
  }
}
