/**
 * The shape of src/ as its imports draw it. A folder is a directory (src/platforms and src/platforms/discord are
 * two), and folder A depends on folder B when a file in A imports one in B, statically, dynamically or for a type only.
 * - No cycles between folders, nor between the top-level folders of src/ (a folder with its subfolders): each can
 *   be read, tested and changed with only what it depends on.
 * - discord.js and grammY only under src/platforms/discord and src/platforms/telegram, and only the composition
 *   root (src/app) imports a platform module: the core never sees an adapter's types.
 * - src/chat/mod.ts, the one module command files import, offers exactly what they use.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PLATFORM_LIBRARY = /^(discord\.js|grammy|@grammyjs\/|@discordjs\/)/;

interface ImportEdge {
  file: string;
  specifier: string;
  /** The imported file, for relative imports. */
  target?: string;
}

const posix = (path: string) => path.split(sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function readImports(): ImportEdge[] {
  return sourceFiles(join(ROOT, 'src')).flatMap((path) => {
    const file = posix(relative(ROOT, path));
    return ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.map(({ fileName }) => ({
      file,
      specifier: fileName,
      ...(fileName.startsWith('.') ? { target: posix(relative(ROOT, resolve(dirname(path), fileName))) } : {}),
    }));
  });
}

/** src/a/b/c.ts → src/a; a file directly in src/ is its own folder. */
function topFolder(file: string): string {
  const parts = posix(file).split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : posix(dirname(file));
}

/** folder → folders it imports from, each with one import that shows it. */
function folderGraph(
  imports: readonly ImportEdge[],
  folderOf: (file: string) => string = (file) => posix(dirname(file)),
): Map<string, Map<string, ImportEdge>> {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const edge of imports) {
    const from = folderOf(edge.file);
    graph.set(from, graph.get(from) ?? new Map());
    if (!edge.target?.startsWith('src/')) continue;
    const to = folderOf(edge.target);
    if (to !== from && !graph.get(from)!.has(to)) graph.get(from)!.set(to, edge);
  }
  return graph;
}

/** One cycle per strongly connected component of more than one folder (Tarjan), as a path back to its start. */
function findCycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => {
    const inside = new Set(component);
    const start = component[0]!;
    // Breadth-first from the start back to it, inside the component: the shortest cycle through it.
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const node = queue.shift()!;
      for (const next of graph.get(node)?.keys() ?? []) {
        if (!inside.has(next)) continue;
        if (next === start) {
          const path = [node];
          while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
          return [...path, start];
        }
        if (!previous.has(next)) {
          previous.set(next, node);
          queue.push(next);
        }
      }
    }
    return component;
  });
}

const imports = readImports();
/** Each cycle as the imports that make it, for a failure message that says what to change. */
function describeCycles(graph: Map<string, Map<string, ImportEdge>>): string[] {
  return findCycles(graph).map((cycle) =>
    cycle
      .slice(1)
      .map((to, i) => {
        const edge = graph.get(cycle[i]!)!.get(to) as ImportEdge;
        return `${cycle[i]} → ${to} (${edge.file} imports ${edge.specifier})`;
      })
      .join('; '),
  );
}

const graph = folderGraph(imports);
const topGraph = folderGraph(imports, topFolder);

describe('the folders of src/', () => {
  it('are read from the real imports (static, dynamic and type-only)', () => {
    expect(imports.length).toBeGreaterThan(300);
    const app = [...(graph.get('src/app')?.keys() ?? [])];
    // A static import, and the platforms the app loads with import() only when a token is set.
    expect(app).toEqual(expect.arrayContaining(['src/platforms/console', 'src/platforms/discord', 'src/chat']));
    expect(
      findCycles(
        new Map([
          ['a', new Map([['b', 1]])],
          ['b', new Map([['c', 1]])],
          ['c', new Map([['a', 1]])],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('import each other without cycles', () => {
    expect(describeCycles(graph)).toEqual([]);
  });

  it('top-level folders, with their subfolders, import each other without cycles', () => {
    expect(describeCycles(topGraph)).toEqual([]);
  });

  it('import discord.js and grammY only in their platform adapters', () => {
    const misplaced = imports
      .filter((edge) => PLATFORM_LIBRARY.test(edge.specifier))
      .filter((edge) => !/^src\/platforms\/(discord|telegram)\//.test(edge.file))
      .map((edge) => `${edge.file} imports ${edge.specifier}`);
    expect(misplaced).toEqual([]);
  });

  it('leave the platform modules to the composition root: the core never references an adapter', () => {
    const reaching = imports
      .filter((edge) => edge.target?.startsWith('src/platforms/'))
      .filter((edge) => !edge.file.startsWith('src/platforms/') && !edge.file.startsWith('src/app/'))
      .map((edge) => `${edge.file} imports ${edge.specifier}`);
    expect(reaching).toEqual([]);
  });

  it('offer commands/ exactly what its files import from src/chat/mod.ts', () => {
    const namesIn = (path: string, keep: (node: ts.ImportDeclaration | ts.ExportDeclaration) => boolean) => {
      const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
      return source.statements.flatMap((statement) => {
        if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) return [];
        if (!keep(statement)) return [];
        const clause = ts.isImportDeclaration(statement)
          ? statement.importClause?.namedBindings
          : statement.exportClause;
        return clause && (ts.isNamedImports(clause) || ts.isNamedExports(clause))
          ? clause.elements.map((element) => element.name.text)
          : [];
      });
    };
    const offered = namesIn(join(ROOT, 'src/chat/mod.ts'), () => true).sort();
    const used = sourceFiles(join(ROOT, 'commands')).flatMap((path) =>
      namesIn(path, (node) => (node.moduleSpecifier as ts.StringLiteral | undefined)?.text === '../src/chat/mod.js'),
    );
    expect(offered.length).toBeGreaterThan(10);
    expect(offered).toEqual([...new Set(used)].sort());
  });
});
