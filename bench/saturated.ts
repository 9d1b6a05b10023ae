/**
 * Saturated channels: each channel holds more chats than its pace serves. Every chat sends
 * a line every `periodS`, twice what a channel takes at Slack's pace, against a sink that
 * answers 429 (Retry-After: 1) above 1 post/s with a burst of 4 per channel. The service
 * paces itself as the Slack adapter does and merges a chat's waiting lines into one post;
 * the forwarder sends each line as it comes, and what meets a 429 is refused to the user.
 */
import { formatRows, measure, openLoop, Rig, type Row, type Session } from './harness.js';
import { fmt, sleep, verdict } from './util.js';

export interface SaturatedOptions {
  channels: number;
  chatsPerChannel: number;
  periodS: number;
  seconds: number;
  baselineSeconds: number;
  maxInFlight: number;
  drainMs: number;
}

export const saturatedOptions = (quick: boolean): SaturatedOptions =>
  quick
    ? { channels: 3, chatsPerChannel: 4, periodS: 2, seconds: 8, baselineSeconds: 4, maxInFlight: 256, drainMs: 20_000 }
    : {
        channels: 10,
        chatsPerChannel: 20,
        periodS: 10,
        seconds: 60,
        baselineSeconds: 20,
        maxInFlight: 256,
        drainMs: 60_000,
      };

/** The Slack adapter's pace (adapters/slack/platform.ts) and what Slack itself allows. */
const SLACK_PACE = { perSecond: 1, burst: 3 };
const SLACK_LIMIT = { perSecond: 1, burst: 4 };

/** Chat i of n sends at i/n of a period, then every period: evenly spread over each channel. */
function periodic(sessions: readonly Session[], periodS: number, seconds: number): Array<[number, Session]> {
  const plan: Array<[number, Session]> = [];
  sessions.forEach((s, i) => {
    for (let t = (i / sessions.length) * periodS; t < seconds; t += periodS) plan.push([t * 1000, s]);
  });
  return plan.sort((a, b) => a[0] - b[0]);
}

export interface SaturatedReport {
  options: SaturatedOptions;
  rows: Row[];
}

export async function runSaturated(o: SaturatedOptions, log: (line: string) => void): Promise<SaturatedReport> {
  const rig = await Rig.start(
    { chats: o.channels * o.chatsPerChannel, channels: o.channels, pace: SLACK_PACE, policy: { limit: SLACK_LIMIT } },
    log,
  );
  try {
    const rows: Row[] = [];
    const phases = [
      ['switchboard', 'switchboard', o.seconds],
      ['baseline', 'forwarder, no retry', o.baselineSeconds],
    ] as const;
    for (const [system, label, seconds] of phases) {
      await sleep(SLACK_LIMIT.burst * 1000); // the sink's buckets full again
      rows.push(
        await measure(
          rig,
          system,
          label,
          (run) => openLoop(run, periodic(rig.sessions, o.periodS, seconds), o.maxInFlight),
          o,
        ),
      );
      log(`  saturated: ${system} done`);
    }
    return { options: o, rows };
  } finally {
    await rig.close();
  }
}

export function formatSaturated(r: SaturatedReport): string {
  const o = r.options;
  const [sb] = r.rows;
  const perChannel = o.chatsPerChannel / o.periodS;
  const share = (x: Row) => (x.sink.posts ? x.sink.limited / x.sink.posts : NaN);
  return [
    `(3) Saturated channels — ${o.channels} channels × ${o.chatsPerChannel} chats, each chat a line every ${o.periodS} s ` +
      `(${fmt(perChannel, 1)} lines/s per channel), service ${o.seconds} s, forwarder ${o.baselineSeconds} s; ` +
      `platform pace ${SLACK_PACE.perSecond}/s burst ${SLACK_PACE.burst}; sink 429 above ${SLACK_LIMIT.perSecond}/s burst ${SLACK_LIMIT.burst}`,
    formatRows(r.rows),
    `  floor: ${fmt(perChannel, 1)} lines/s per channel at ${SLACK_LIMIT.perSecond} post/s need ≥ ${fmt(perChannel / SLACK_LIMIT.perSecond, 1)} lines per post; a post carries` +
      ` one chat's lines, ${o.periodS} s apart, so in the steady state ≥ ${fmt(100 * (1 - SLACK_LIMIT.perSecond / perChannel), 0)}% of lines wait ≥ ${o.periodS} s, whatever the scheduler`,
    ...r.rows.map(
      (x) =>
        `  ${x.system}: ${x.sink.limited} 429s of ${x.sink.posts} posts (${fmt(100 * share(x), 1)}%), ${fmt(x.delivered / Math.max(1, x.sink.posts - x.sink.limited), 2)} lines per stored post`,
    ),
    sb
      ? `  targets: p50 ≤ 3 s: ${fmt(sb.p50 / 1000, 2)} s ${verdict(sb.p50 <= 3000)} | p99 ≤ 10 s: ${fmt(sb.p99 / 1000, 2)} s ${verdict(sb.p99 <= 10_000)}` +
        ` | 429s < 10% of posts: ${fmt(100 * share(sb), 1)}% ${verdict(share(sb) < 0.1)} | redis cmd/msg ≤ 20: ${fmt(sb.commands, 1)} ${verdict(sb.commands <= 20)}` +
        ` | lost 0: ${sb.lost} ${verdict(sb.lost === 0)} | reordered 0: ${sb.reordered} ${verdict(sb.reordered === 0)}`
      : '',
  ].join('\n');
}
