// A service instance in its own process whose platform takes SLOW_MS per message, for the
// graceful shutdown test: on SIGTERM it stops as main.ts does and prints what it delivered.
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { renderText } from '../../adapters/recording/render.js';
import type { Surface } from '../../src/app/surfaces/surface.js';
import { startHarness } from './harness.js';

const slowMs = Number(process.env.SLOW_MS ?? 300);
const platform = new RecordingPlatform();
const original = platform.postUnder.bind(platform);
// The text of a chat line (`Zed: m2` → `m2`); undefined for anything else.
const said = (s: Surface) => (s.meta?.kind === 'entry' ? /: (.*)$/.exec(renderText(s))?.[1] : undefined);
platform.postUnder = async (...args: Parameters<RecordingPlatform['postUnder']>) => {
  const text = said(args[1]);
  if (text !== undefined) process.stdout.write(`${JSON.stringify({ started: text })}\n`);
  await new Promise((r) => setTimeout(r, slowMs));
  const ref = await original(...args);
  if (text !== undefined) process.stdout.write(`${JSON.stringify({ delivered: text })}\n`);
  return ref;
};
const h = await startHarness({ prefix: process.env.PREFIX, recording: platform, lockMs: 500 });
process.on('SIGTERM', () => {
  h.service.stop().then(
    () => {
      process.stdout.write(`${JSON.stringify({ stopped: true })}\n`);
      process.exit(0);
    },
    () => process.exit(1),
  );
});
process.stdout.write(`${JSON.stringify({ url: h.url })}\n`);
