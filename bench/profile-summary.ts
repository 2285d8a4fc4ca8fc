/**
 * Self time of a `.cpuprofile` (what `BENCH_PROFILE=1` writes), by package and by function:
 * `node --import tsx bench/profile-summary.ts bench/results/profiles/workers/<file>.cpuprofile [top]`.
 * A package is the node_modules package a function's file is in, `node:` for Node's own JavaScript,
 * `ours:<workspace>` for this repository's, and `(native)` for what has no file (GC, the idle loop,
 * V8 builtins). A second table counts Node's and native time to the package up the stack that
 * called it (a socket write to ioredis, say).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function packageOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node:';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module?.[1] !== undefined) return module[1];
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  return ours === null ? url : `ours:${ours[2]}`;
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
/** The first package up the stack that is not Node's or native: who asked for the work. */
function caller(id: number): string {
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const frame = byId.get(at)?.callFrame;
    if (frame === undefined) break;
    const pkg = packageOf(frame.url, frame.functionName);
    if (pkg !== 'node:' && !pkg.startsWith('(')) return pkg;
  }
  return '(no package)';
}
const packages = new Map<string, number>();
const callers = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)?.callFrame;
  const micros = profile.timeDeltas[i] ?? 0;
  if (frame === undefined || frame.functionName === '(idle)') return;
  total += micros;
  const pkg = packageOf(frame.url, frame.functionName);
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  const asked = caller(id);
  callers.set(asked, (callers.get(asked) ?? 0) + micros);
  const where = `${frame.functionName || '(anonymous)'} ${pkg}:${frame.lineNumber + 1}`;
  functions.set(where, (functions.get(where) ?? 0) + micros);
});

const top = Number(topArg ?? 25);
const print = (title: string, rows: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms busy (idle excluded)`);
print('self time by package', packages);
print("self time by package, Node's and native time counted to the package that called it", callers);
print('self time by function', functions);
