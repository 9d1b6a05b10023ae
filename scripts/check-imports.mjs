#!/usr/bin/env node
// The import graph's check (npm run lint): no cycle, type imports included, and each ring
// imports only the rings inside it. docs/ARCHITECTURE.md draws the rings; this keeps them true.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const sources = ['src', 'adapters', 'jobs'];

// Which folders a ring may import from (besides itself). The first matching prefix wins.
const rings = [
  { name: 'domain', prefix: 'src/domain/', may: [] },
  { name: 'app', prefix: 'src/app/', may: ['src/domain/'] },
  { name: 'http', prefix: 'src/http/', may: ['src/domain/', 'src/app/'] },
  { name: 'adapters', prefix: 'adapters/', may: ['src/domain/', 'src/app/'] },
  // BullMQ's workers: they run on Redis, through its adapter (the delivery engine is in src/app/delivery/, behind a port).
  { name: 'jobs', prefix: 'jobs/', may: ['src/domain/', 'src/app/', 'adapters/redis/'] },
  { name: 'root', prefix: 'src/main/', may: ['src/domain/', 'src/app/', 'src/http/', 'adapters/', 'jobs/'] },
];
const ringOf = (file) => rings.find((r) => file.startsWith(r.prefix));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...walk(path));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const files = sources.flatMap(walk);
const known = new Set(files);
const graph = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  const targets = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = relative(root, resolve(root, dirname(file), fileName)).replace(/\.js$/, '.ts');
    if (known.has(target)) targets.push(target);
    else if (known.has(target.replace(/\.ts$/, '/index.ts'))) targets.push(target.replace(/\.ts$/, '/index.ts'));
  }
  graph.set(file, targets);
}

const problems = [];
for (const [file, targets] of graph) {
  const ring = ringOf(file);
  if (!ring) {
    problems.push(`${file}: in no ring (see scripts/check-imports.mjs)`);
    continue;
  }
  for (const target of targets) {
    const other = ringOf(target);
    if (other === ring) continue;
    if (!other || !ring.may.some((prefix) => target.startsWith(prefix))) {
      problems.push(`${file} (${ring.name}) imports ${target} (${other?.name ?? 'no ring'})`);
    }
  }
  // Adapters do not import each other: the root wires them.
  if (ring.name === 'adapters') {
    const own = file.split('/')[1];
    for (const target of targets) {
      if (target.startsWith('adapters/') && target.split('/')[1] !== own) {
        problems.push(`${file} imports another adapter: ${target}`);
      }
    }
  }
}

// Cycles: Tarjan's strongly connected components; any component of more than one file is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function connect(file) {
  const node = { index, low: index, onStack: true };
  index++;
  state.set(file, node);
  stack.push(file);
  for (const target of graph.get(file) ?? []) {
    const seen = state.get(target);
    if (!seen) {
      connect(target);
      node.low = Math.min(node.low, state.get(target).low);
    } else if (seen.onStack) node.low = Math.min(node.low, seen.index);
  }
  if (node.low === node.index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component);
  }
}
for (const file of files) if (!state.has(file)) connect(file);
for (const cycle of cycles) problems.push(`import cycle of ${cycle.length} files: ${cycle.sort().join(', ')}`);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} import problem(s) in ${files.length} files`);
  process.exit(1);
}
console.log(`imports: ${files.length} files, no cycle, every ring imports only inward`);
