import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SHARED_DIR = join(import.meta.dirname, '../../shared');
const FORBIDDEN: [RegExp, string][] = [
  [/from 'node:fs/, 'node:fs'],
  [/process\.(env|exit|stdout|stderr)/, 'the process'],
  [/console\./, 'console'],
  [/Date\.now\(|new Date\(\)/, 'the wall clock'],
  [/Math\.random\(\)/, 'Math.random'],
  [/@aws-sdk\/|from 'aws-lambda'/, 'AWS SDK / Lambda types'],
];

/**
 * The only writes to global state that shared/ may make, as `file: target`. ml-isolation-forest
 * takes no generator, so its seeded swap of Math.random (in, then back in `finally`) lives there.
 */
const ALLOWED_GLOBAL_WRITES = ['forest/seeded-math-random.ts: Math.random', 'forest/seeded-math-random.ts: Math.random'];

async function* typescriptFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** Calls that write to their first argument's properties. */
const WRITING_CALLS = new Set(['Object.assign', 'Object.defineProperty', 'Object.defineProperties', 'Object.setPrototypeOf', 'Reflect.set', 'Reflect.defineProperty', 'Reflect.deleteProperty', 'Reflect.setPrototypeOf']);

/**
 * Every write in `files` whose target is global state, as `file: target`: an assignment (also
 * compound, `++`/`--`, destructuring), a `delete`, or an Object/Reflect write to something that is
 * not declared in the project (`Math.random`, `globalThis.x`, `window.x`, an undeclared name) or
 * that is another package's module object.
 */
function globalWrites(files: string[]): string[] {
  const program = ts.createProgram(files, {
    noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true, skipLibCheck: true, types: ['node'],
  });
  const checker = program.getTypeChecker();
  const isOutsideProject = (declaration: ts.Declaration) => {
    const file = declaration.getSourceFile();
    return program.isSourceFileDefaultLibrary(file) || file.fileName.includes('/node_modules/');
  };
  const isGlobal = (root: ts.Identifier): boolean => {
    let symbol = checker.getSymbolAtLocation(root);
    if (symbol === undefined) return true;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declarations = symbol.declarations ?? [];
    return declarations.length === 0 || declarations.some(isOutsideProject);
  };
  const rootOf = (target: ts.Expression): ts.Identifier | undefined => {
    let node = target;
    while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) node = node.expression;
    return ts.isIdentifier(node) ? node : undefined;
  };

  const found: string[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const note = (target: ts.Expression) => {
      const root = rootOf(target);
      if (root && isGlobal(root)) found.push(`${relative(SHARED_DIR, file)}: ${target.getText(source)}`);
    };
    const noteTargets = (target: ts.Expression): void => {
      // Destructuring assignment: every element is a target.
      if (ts.isArrayLiteralExpression(target)) target.elements.forEach((e) => noteTargets(ts.isSpreadElement(e) ? e.expression : e));
      else if (ts.isObjectLiteralExpression(target)) {
        for (const p of target.properties) {
          if (ts.isPropertyAssignment(p)) noteTargets(p.initializer);
          else if (ts.isShorthandPropertyAssignment(p)) note(p.name);
          else if (ts.isSpreadAssignment(p)) noteTargets(p.expression);
        }
      } else if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) noteTargets(target.left);
      else note(target);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) noteTargets(node.left);
      else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) note(node.operand);
      else if (ts.isDeleteExpression(node)) note(node.expression);
      else if (ts.isCallExpression(node) && WRITING_CALLS.has(node.expression.getText(source)) && node.arguments[0]) note(node.arguments[0]);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('shared/ stays pure', () => {
  it('uses no file system, process, console, wall clock, unseeded randomness or AWS SDK', async () => {
    const offences: string[] = [];
    for await (const file of typescriptFiles(SHARED_DIR)) {
      // Comments may name what the code avoids; only code counts.
      const code = (await readFile(file, 'utf8')).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) offences.push(`${relative(SHARED_DIR, file)} uses ${what}`);
    }

    expect(offences).toEqual([]);
  });

  it('writes to no global, except the one seeded Math.random swap of the forest', async () => {
    const files: string[] = [];
    for await (const file of typescriptFiles(SHARED_DIR)) files.push(file);

    expect(globalWrites(files)).toEqual(ALLOWED_GLOBAL_WRITES);
  });

  it('would see a global write of each kind (the check above can fail)', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'purity-'));
    const file = join(dir, 'offender.ts');
    await writeFile(file, [
      'import * as fs from "node:fs";',
      'let mine = { a: 1 }; mine.a = 2; mine.a++;',
      'Math.random = () => 0.5;',
      'globalThis.structuredClone = (x: any) => x;',
      '(Math as any).seed ??= 1;',
      'Date.prototype.getTime = () => 0;',
      'Object.assign(JSON, { x: 1 });',
      '[mine, Number.prototype.toFixed] = [mine, () => ""];',
      '(fs as any).readFileSync = null;',
      'delete (globalThis as any).fetch;',
    ].join('\n'));
    try {
      const writes = globalWrites([file]).map((w) => w.slice(w.indexOf(': ') + 2));

      expect(writes).toEqual(['Math.random', 'globalThis.structuredClone', '(Math as any).seed', 'Date.prototype.getTime', 'JSON', 'Number.prototype.toFixed', '(fs as any).readFileSync', '(globalThis as any).fetch']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
