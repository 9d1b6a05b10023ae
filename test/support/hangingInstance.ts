// A service instance in its own process, for tests that kill it with SIGKILL mid-delivery.
// Its platform records deliveries on stdout and hangs forever on the message whose text is HANG_ON.
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { startHarness } from './harness.js';

const platform = new RecordingPlatform();
const original = platform.postEntry.bind(platform);
platform.postEntry = async (...args: Parameters<RecordingPlatform['postEntry']>) => {
  const e = args[2];
  if (e.kind === 'message' && e.text === process.env.HANG_ON) {
    process.stdout.write(`${JSON.stringify({ hanging: e.text })}\n`);
    return new Promise(() => undefined);
  }
  const ref = await original(...args);
  if (e.kind === 'message') process.stdout.write(`${JSON.stringify({ delivered: e.text })}\n`);
  return ref;
};
const h = await startHarness({ prefix: process.env.PREFIX, recording: platform, lockMs: 500 });
process.stdout.write(`${JSON.stringify({ url: h.url })}\n`);
