/** Self time by function and by package or file from a V8 .cpuprofile, over its last `windowS` seconds (or all). */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

export function summariseProfile(path: string, options: { windowS?: number; top: number }): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const selfUs = new Map<number, number>();
  const ends: number[] = [];
  profile.timeDeltas.reduce((at, delta, i) => (ends[i] = at + delta), 0);
  const offset = profile.endTime - (ends.at(-1) ?? 0);
  const windowStart = options.windowS === undefined ? -Infinity : profile.endTime - options.windowS * 1e6;
  profile.samples.forEach((id, i) => {
    if (ends[i]! + offset >= windowStart) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const where = whereOf(node);
    const fn = functionKey(node);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const group = where.startsWith('npm:')
      ? where
          .split('/')
          .slice(0, where.startsWith('npm:@') ? 2 : 1)
          .join('/')
      : where;
    byFile.set(group, (byFile.get(group) ?? 0) + us);
  }
  // Total (inclusive) time: each sample counts once for every distinct function on its stack, so a caller shows
  // what it costs with everything it calls (the native socket writes of a store call land on that call).
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nameOf = new Map(profile.nodes.map((node) => [node.id, functionKey(node)] as const));
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const names = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.add(nameOf.get(at)!);
    for (const name of names) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, options.top)
      .map(
        ([name, us]) =>
          `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      )
      .join('\n');
  const scope = options.windowS === undefined ? 'whole run' : `last ${options.windowS} s`;
  return `profile ${path}: ${(total / 1000).toFixed(0)} ms sampled (${scope})\n\nself time by function:\n${top(byFunction)}\n\nself time by file or package:\n${top(byFile)}\n\ntotal time (with callees) by function:\n${top(inclusive)}`;
}

function whereOf(node: ProfileNode): string {
  const url = node.callFrame.url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'npm:')
    .replace(/.*\/dist\//, '');
  return url || '(native)';
}

function functionKey(node: ProfileNode): string {
  return `${node.callFrame.functionName || '(anonymous)'}  ${whereOf(node)}:${node.callFrame.lineNumber + 1}`;
}
