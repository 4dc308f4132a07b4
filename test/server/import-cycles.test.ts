import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository: the nearest folder above this file with a package.json (this runs from dist/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

// Type-only imports count: they are what ties a module to another's shape, even though the
// compiled JavaScript drops them.
const IMPORT = /(?:^|\n)\s*(?:import|export)\s([^;]*?)\sfrom\s+'(\.{1,2}\/[^']+)'/g;

/**
 * Relative imports of every TypeScript file under src/, by file (as paths relative to the root);
 * with `runtimeOnly`, without `import type` (what the compiled JavaScript keeps).
 */
function importGraph(root: string, runtimeOnly = false): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(IMPORT)]
      .filter((m) => !runtimeOnly || !/^type\s/.test(m[1]!))
      .map((m) => relative(root, resolve(dirname(file), m[2]!.replace(/\.js$/, '.ts'))));
    graph.set(relative(root, file), deps);
  }
  return graph;
}

/** The import cycles among the files under `folder`: each as the path round it, first file last again. */
function cyclesWithin(graph: Map<string, string[]>, folder: string): string[][] {
  const inside = (f: string): boolean => f.startsWith(`${folder}/`);
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): void => {
    if (onPath.has(file)) {
      cycles.push([...path.slice(path.indexOf(file)), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    onPath.add(file);
    for (const dep of graph.get(file) ?? []) if (inside(dep) && graph.has(dep)) visit(dep);
    path.pop();
    onPath.delete(file);
    done.add(file);
  };
  for (const file of [...graph.keys()].filter(inside).sort()) visit(file);
  return cycles;
}

describe('import graph', () => {
  const graph = importGraph(repoRoot());

  it('sees the imports it is meant to check', () => {
    // A guard against a regex that matches nothing: chat-service.ts imports client-session.ts.
    assert.ok(graph.get('src/server/core/chat-service.ts')?.includes('src/server/core/client-session.ts'));
  });

  it('has no import cycle within src/server/core (type-only imports included)', () => {
    assert.deepEqual(cyclesWithin(graph, 'src/server/core'), []);
  });

  // The gateway's modules name the session's type (IrcSession) and the session dispatches to them:
  // those type-only circles are how a command table over one session class reads. What must not
  // be there is a circle the JavaScript keeps, where module order decides what is initialised.
  it('has no runtime import cycle within src/server/transports/irc', () => {
    const runtime = importGraph(repoRoot(), true);
    assert.ok(runtime.get('src/server/transports/irc/session.ts')?.includes('src/server/transports/irc/welcome.ts'), 'the runtime graph sees value imports');
    assert.ok(!runtime.get('src/server/transports/irc/welcome.ts')?.includes('src/server/transports/irc/session.ts'), 'and drops type-only ones');
    assert.deepEqual(cyclesWithin(runtime, 'src/server/transports/irc'), []);
    assert.deepEqual(cyclesWithin(runtime, 'src/server'), [], 'nor anywhere in the server');
  });
});
