/**
 * No import cycles among the product's modules (shared/, cli/, functions/): a cycle makes load
 * order matter (a value read before its module ran is undefined) and tangles modules that should
 * depend one way. Type-only imports count too: they tie modules together just the same.
 * Lazy `import()` calls do not: they run after every module has loaded.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Cycles that predate this test, in files owned elsewhere; each is to be fixed and removed here.
 * sinks.ts takes the `LineSelector` type from ingest.ts, which imports the sinks: the type belongs
 * in a module both can import.
 */
const KNOWN_CYCLES: string[] = [];
const DIRS = ['shared', 'cli', 'functions'];

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `import … from '…'`, `import '…'`, `export … from '…'` (also `type` ones); not `import('…')`. */
const STATIC_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"\n]+)['"]/g;

/** Comments could hold example imports; strings inside code do not start a statement, so they are safe. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The project file a relative specifier names, or undefined for packages and files outside the project. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((path) => path.endsWith('.ts') && existsSync(path));
}

/** Each module's project imports. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = withoutComments(readFileSync(file, 'utf8'));
    const targets = new Set<string>();
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const target = resolveSpecifier(file, match[1]!);
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Every cycle a depth-first search closes, each once, as the paths around it (starting at its smallest name). */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found = new Map<string, string[]>();
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(rotated.join(' → '), rotated);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return [...found.values()];
}

describe('imports', () => {
  const files = DIRS.flatMap((dir) => typescriptFiles(join(ROOT, dir)));

  it('are found in the modules this test scans (the scanner works)', () => {
    const graph = importGraph(files);
    const tracker = join(ROOT, 'shared/detect/session-tracker.ts');

    expect(graph.get(tracker)).toContain(join(ROOT, 'shared/detect/session-key.ts'));
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  it('form no cycle among shared/, cli/ and functions/ but the known ones, which are all still there', () => {
    const found = cycles(importGraph(files)).map((cycle) => [...cycle, cycle[0]!].map((path) => relative(ROOT, path)).join(' → '));

    expect(found.filter((cycle) => !KNOWN_CYCLES.includes(cycle)), `import cycles:\n${found.join('\n')}`).toEqual([]);
    // A known cycle that is gone must leave this list too, so the list cannot hide a new one later.
    expect(KNOWN_CYCLES.filter((cycle) => !found.includes(cycle))).toEqual([]);
  });
});
