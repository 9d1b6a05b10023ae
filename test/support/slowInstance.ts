// A service instance in its own process whose platform takes SLOW_MS per message, for the
// graceful shutdown test: on SIGTERM it stops as main.ts does and prints what it delivered.
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { startHarness } from './harness.js';

const slowMs = Number(process.env.SLOW_MS ?? 300);
const platform = new RecordingPlatform();
const original = platform.postEntry.bind(platform);
platform.postEntry = async (...args: Parameters<RecordingPlatform['postEntry']>) => {
  const e = args[2];
  if (e.kind === 'message') process.stdout.write(`${JSON.stringify({ started: e.text })}\n`);
  await new Promise((r) => setTimeout(r, slowMs));
  const ref = await original(...args);
  if (e.kind === 'message') process.stdout.write(`${JSON.stringify({ delivered: e.text })}\n`);
  return ref;
};
const h = await startHarness({ prefix: process.env.PREFIX, recording: platform, lockMs: 500 });
process.on('SIGTERM', () => {
  h.service.stop().then(() => {
    process.stdout.write(`${JSON.stringify({ stopped: true })}\n`);
    process.exit(0);
  }, () => process.exit(1));
});
process.stdout.write(`${JSON.stringify({ url: h.url })}\n`);
