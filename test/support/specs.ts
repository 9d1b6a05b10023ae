import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared/specs` beside the checkout, or SHARED_SPECS_DIR. */
export const specsDir = process.env.SHARED_SPECS_DIR ?? resolve(repoRoot, '../shared/specs');
export const haveSpecs = existsSync(specsDir);

if (!haveSpecs) {
  console.warn(
    `[specs] ${specsDir} not found: spec-based tests are skipped. Put the shared/ folder beside the checkout or set SHARED_SPECS_DIR.`,
  );
}

export function readSpec<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(resolve(specsDir, relative), 'utf8')) as T;
}
