import type { MessageRef, PlatformPort, Posted, Reach } from '../../src/app/ports.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import type { Agent, Queue } from '../../src/domain/directory.js';
import { renderText } from './render.js';

export interface Recorded {
  op: 'open' | 'post' | 'send' | 'update' | 'remove' | 'home';
  /** Where: a chat's place, an agent id, or the message changed. */
  to: string;
  text: string;
  surface?: Surface;
  meta?: Surface['meta'];
  /** The message's id on this platform (what later updates and removals name in `to`). */
  id?: string;
}

/**
 * A platform that keeps what it is asked to do in memory, as plain text: the core's tests
 * run end to end with it, and a local trial without Slack or Teams uses it. It takes any
 * pace, so the delivery engine never has to wait for it.
 */
export class RecordingPlatform implements PlatformPort {
  readonly calls: Recorded[] = [];
  readonly threads = true;
  private seq = 0;
  /** Set to make the next calls fail, e.g. with a RetryLaterError. */
  failWith: (() => Error) | undefined;
  failTimes = 0;
  /** A test's read-back (as Slack's metadata allows); none by default, like Teams. */
  findPosted: PlatformPort['findPosted'];

  constructor(
    readonly id = 'recording',
    private readonly reachable: (a: Agent) => Reach = () => 'yes',
  ) {}

  private record(op: Recorded['op'], to: string, surface?: Surface): MessageRef {
    if (this.failTimes > 0 && this.failWith) {
      this.failTimes--;
      throw this.failWith();
    }
    const id = String(++this.seq);
    this.calls.push({
      op,
      to,
      text: surface ? renderText(surface) : '',
      id,
      ...(surface ? { surface, meta: surface.meta } : {}),
    });
    return { id, to };
  }

  of(op: Recorded['op']): Recorded[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** Every message this platform shows about `kind` (a meta kind such as `entry` or `invite`). */
  about(kind: string): Recorded[] {
    return this.calls.filter((c) => c.meta?.kind === kind);
  }

  reaches(agent: Agent): Reach {
    return this.reachable(agent);
  }
  channels(queue: Queue): string[] {
    return [`${this.id}:channel:${queue.id}`];
  }
  direct(agent: Agent): string {
    return `${this.id}:agent:${agent.id}`;
  }
  pace(): { perSecond: number; burst: number } {
    return { perSecond: 10_000, burst: 10_000 };
  }
  /**
   * Reads posts back by delivery id, as Slack's message metadata allows: a test of exactly-once
   * across faults turns it on; without it the platform behaves like Teams (no read-back).
   */
  withReadBack(): this {
    const posted = new Map<string, Posted>();
    this.posted = posted;
    this.findPosted = async (_dest, _root, deliveryId) => posted.get(deliveryId) ?? null;
    return this;
  }
  private posted: Map<string, Posted> | undefined;

  async postTop(dest: string, s: Surface, deliveryId?: string): Promise<Posted | null> {
    const posted = await this.postTopUnrecorded(dest, s);
    if (posted && deliveryId) this.posted?.set(deliveryId, posted);
    return posted;
  }

  private async postTopUnrecorded(dest: string, s: Surface): Promise<Posted | null> {
    const agentId = dest.startsWith(`${this.id}:agent:`) ? dest.slice(`${this.id}:agent:`.length) : undefined;
    if (s.meta?.kind === 'root') {
      // A chat's root: its place names the chat (and the agent, for a 1:1).
      const place = agentId ? `${this.id}:direct:${agentId}:${s.meta.id}` : `${this.id}:channel:${s.meta.id}`;
      return { ref: this.record('open', place, s), place };
    }
    const agent = agentId ?? dest;
    if (agentId && this.reachable({ id: agentId } as Agent) === 'no') return null;
    const ref = this.record('send', agent, s);
    return { ref, place: `${this.id}:${agent}` };
  }
  async postUnder(root: MessageRef, s: Surface, deliveryId?: string): Promise<MessageRef> {
    const ref = this.record('post', root.to ?? '', s);
    if (deliveryId) this.posted?.set(deliveryId, { ref, place: '' });
    return ref;
  }
  async update(ref: MessageRef, s: Surface): Promise<void> {
    this.record('update', ref.id ?? '', s);
  }
  async remove(ref: MessageRef): Promise<void> {
    this.record('remove', ref.id ?? '');
  }
  async publishHome(agent: Agent, s: Surface): Promise<void> {
    this.calls.push({ op: 'home', to: agent.id, text: renderText(s), surface: s });
  }
}
