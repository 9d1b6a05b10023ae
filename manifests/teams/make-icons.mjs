#!/usr/bin/env node
// Writes the two Teams app icons next to this script, by hand (no image library):
//   color.png   192x192, full colour, opaque
//   outline.png  32x32, white on transparent
// Usage: node manifests/teams/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** RGBA, 8 bits per channel; pixel(x, y) returns [r, g, b, a]. */
function png(width, height, pixel) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 4);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The mark, in unit coordinates (0..1): two speech "lines" joined by a switch, i.e. two
 * horizontal bars with round dots at opposite ends.
 */
function mark(u, v) {
  const bar = (cy, x0, x1) => Math.abs(v - cy) <= 0.055 && u >= x0 && u <= x1;
  const dot = (cx, cy, r) => (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  return bar(0.36, 0.2, 0.8) || bar(0.64, 0.2, 0.8) || dot(0.28, 0.36, 0.12) || dot(0.72, 0.64, 0.12);
}

const ACCENT = [0x46, 0x4e, 0xb8, 255]; // matches accentColor #464EB8
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

const color = png(192, 192, (x, y) => (mark((x + 0.5) / 192, (y + 0.5) / 192) ? WHITE : ACCENT));
const outline = png(32, 32, (x, y) => (mark((x + 0.5) / 32, (y + 0.5) / 32) ? WHITE : CLEAR));

writeFileSync(join(here, 'color.png'), color);
writeFileSync(join(here, 'outline.png'), outline);
console.log(`wrote color.png (${color.length} bytes) and outline.png (${outline.length} bytes) in ${here}`);
