import type { MessageRef, Mirror, PlatformPort, Reach } from '../../src/app/ports.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import type { Agent } from '../../src/domain/directory.js';
import { renderText } from './render.js';

export interface Recorded {
  op: 'open' | 'post' | 'send' | 'update' | 'remove' | 'home';
  /** Where: a mirror key, an agent id, or the ref of the message changed. */
  to: string;
  text: string;
  surface?: Surface;
  meta?: Surface['meta'];
}

/**
 * A platform that keeps what it is asked to do in memory, as plain text: the core's tests
 * run end to end with it, and a local trial without Slack or Teams uses it.
 */
export class RecordingPlatform implements PlatformPort {
  readonly calls: Recorded[] = [];
  readonly threads = true;
  private seq = 0;
  /** Set to make the next calls fail, e.g. with a RetryLaterError. */
  failWith: (() => Error) | undefined;
  failTimes = 0;

  constructor(readonly id = 'recording', private readonly reachable: (a: Agent) => Reach = () => 'yes') {}

  private record(op: Recorded['op'], to: string, surface?: Surface): MessageRef {
    if (this.failTimes > 0 && this.failWith) {
      this.failTimes--;
      throw this.failWith();
    }
    this.calls.push({ op, to, text: surface ? renderText(surface) : '', ...(surface ? { surface, meta: surface.meta } : {}) });
    return { id: String(++this.seq), to };
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
  async openMirror(root: Surface, to: { sessionId: string } & ({ queue: unknown } | { agent: Agent })): Promise<Mirror | null> {
    const agentId = 'agent' in to ? to.agent.id : undefined;
    const key = agentId ? `${this.id}:direct:${agentId}:${to.sessionId}` : `${this.id}:channel:${to.sessionId}`;
    const ref = this.record('open', key, root);
    return { key, platform: this.id, kind: agentId ? 'direct' : 'channel', ...(agentId ? { agentId } : {}), root: ref };
  }
  async post(mirror: Mirror, s: Surface): Promise<MessageRef> {
    return this.record('post', mirror.key, s);
  }
  async send(agent: Agent, s: Surface): Promise<MessageRef | null> {
    if (this.reachable(agent) === 'no') return null;
    return this.record('send', agent.id, s);
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
