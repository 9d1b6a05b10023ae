// A service instance in its own process, for tests that kill it with SIGKILL mid-delivery.
// Its platform records deliveries on stdout and hangs forever on the message whose text is HANG_ON
// (before it is posted), or on HANG_AFTER (once posted, with its delivery id: it is never acknowledged).
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { renderText } from '../../adapters/recording/render.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { startHarness } from './harness.js';

const platform = new RecordingPlatform();
const original = platform.postUnder.bind(platform);
// The text of a chat line (`Zed: m2` → `m2`); undefined for anything else.
const said = (s: Surface) => (s.meta?.kind === 'entry' ? /: (.*)$/.exec(renderText(s))?.[1] : undefined);
platform.postUnder = async (...args: Parameters<RecordingPlatform['postUnder']>) => {
  const text = said(args[1]);
  if (text !== undefined && text === process.env.HANG_ON) {
    process.stdout.write(`${JSON.stringify({ hanging: text })}\n`);
    return new Promise(() => undefined);
  }
  const ref = await original(...args);
  if (text !== undefined) process.stdout.write(`${JSON.stringify({ delivered: text, id: args[2] })}\n`);
  if (text !== undefined && text === process.env.HANG_AFTER) return new Promise(() => undefined);
  return ref;
};
const h = await startHarness({ prefix: process.env.PREFIX, recording: platform, lockMs: 500 });
process.stdout.write(`${JSON.stringify({ url: h.url })}\n`);
