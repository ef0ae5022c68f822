/**
 * Ports stay small and split by role (issue 13): no interface in shared/ports.ts or shared/ports/
 * has more than 8 methods, inherited ones included, and the results API reaches no write method.
 * Read with the TypeScript compiler, so a port cannot grow without this test seeing it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SHARED = join(import.meta.dirname, '../../shared');
const PORT_FILES = [join(SHARED, 'ports.ts'), ...readdirSync(join(SHARED, 'ports')).filter((f) => f.endsWith('.ts')).map((f) => join(SHARED, 'ports', f))];
const API_FILE = join(SHARED, 'api/app.ts');
const MAX_METHODS = 8;

const program = ts.createProgram([...PORT_FILES, API_FILE], {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  allowImportingTsExtensions: true, noEmit: true, skipLibCheck: true, strict: true, types: [],
});
const checker = program.getTypeChecker();

/** The names of a type's members that can be called (methods, optional ones too, and properties holding functions). */
function methodsOf(type: ts.Type, at: ts.Node): string[] {
  return checker.getPropertiesOfType(type)
    .filter((member) => checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(member, at)).getCallSignatures().length > 0)
    .map((member) => member.name);
}

/** Every interface declared in `file`, by name, with its methods. */
function interfacesIn(file: string): Map<string, { type: ts.Type; node: ts.InterfaceDeclaration; methods: string[] }> {
  const found = new Map<string, { type: ts.Type; node: ts.InterfaceDeclaration; methods: string[] }>();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`the compiler did not load ${file}`);
  ts.forEachChild(source, (node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const type = checker.getTypeAtLocation(node.name);
    found.set(node.name.text, { type, node, methods: methodsOf(type, node) });
  });
  return found;
}

const ports = new Map(PORT_FILES.flatMap((file) => [...interfacesIn(file)]));

describe('the ports', () => {
  it('are the small ones the result store was split into (and the counter sees inherited methods)', () => {
    const count = (name: string) => ports.get(name)?.methods.length;
    expect({
      RunWriter: count('RunWriter'), FindingWriter: count('FindingWriter'), ResultReader: count('ResultReader'),
      ModelRegistry: count('ModelRegistry'), DigestStore: count('DigestStore'), ExplanationCache: count('ExplanationCache'),
    }).toEqual({ RunWriter: 7, FindingWriter: 3, ResultReader: 8, ModelRegistry: 2, DigestStore: 3, ExplanationCache: 4 });
    expect(ports.has('ResultStore')).toBe(false);
  });

  it(`have at most ${MAX_METHODS} methods each`, () => {
    const tooBig = [...ports].filter(([, port]) => port.methods.length > MAX_METHODS).map(([name, port]) => `${name}: ${port.methods.join(', ')}`);
    expect(ports.size).toBeGreaterThan(10);
    expect(tooBig).toEqual([]);
  });

  it('give the results API only methods that read', () => {
    const deps = interfacesIn(API_FILE).get('ApiDependencies');
    expect(deps).toBeDefined();
    // The members typed by a port (not the callbacks, the secret or the pages).
    const stores = checker.getPropertiesOfType(deps!.type)
      .map((member) => ({ name: member.name, type: checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(member, deps!.node)) }))
      .filter(({ type }) => type.getSymbol()?.declarations?.some((d) => PORT_FILES.includes(d.getSourceFile().fileName)));
    expect(stores.map((store) => store.name).sort()).toEqual(['digests', 'models', 'reader']);
    const storeMethods = stores.flatMap((store) => methodsOf(store.type, deps!.node).map((method) => `${store.name}.${method}`));
    expect(storeMethods).toHaveLength(11);
    expect(storeMethods.filter((name) => !/\.(get|list|page)[A-Z]/.test(name))).toEqual([]);
  });
});
