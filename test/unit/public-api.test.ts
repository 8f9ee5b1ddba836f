import * as path from 'path';
import * as ts from 'typescript';

// What the package's entry point (lib/index.ts) exports, read with the TypeScript compiler as a user's
// editor sees it: no helper among the functions, and no duration, size or CPU typed as a string or a
// number anywhere in the types it exposes (they take cdk8s Duration and Size, cdk8s-plus Cpu).

const ROOT = path.resolve(__dirname, '../..');
const INDEX = path.join(ROOT, 'lib/index.ts');

/** The functions the API exports on purpose: entry points, not helpers. */
const ENTRY_FUNCTIONS = [
  'defaultTestConfig',
  'fail',
  'localAgeKey',
  'planFleetAgainstOutput',
  'planAgainstOutput',
  'planPlatform',
  'reportProblem',
  'synthComponent',
  'synthFleet',
  'synthPlatform',
  'validateFleet',
  'validatePlatform',
];

/** A property that holds a length of time, an amount of memory or storage, or CPU, by its name. */
const QUANTITY_NAME = /(interval|timeout|duration|period|window|retention|seconds|millis|delay|drain|cooldown|^for$|size|storage$|^cpu$|^memory$)/i;

let program: ts.Program;
let checker: ts.TypeChecker;
let exported: ts.Symbol[];

beforeAll(() => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  program = ts.createProgram([INDEX], { ...config.options, noEmit: true });
  checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  exported = checker.getExportsOfModule(module);
}, 120_000);

const resolved = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

test('the functions it exports are entry points, not helpers', () => {
  // Mutation: `export * from './components/autoscaling/scaling-behavior'` back in lib/index.ts lists
  // checkReplicaRange and requireRequest here.
  const functions = exported.filter((s) => resolved(s).flags & ts.SymbolFlags.Function).map((s) => s.name).sort();
  expect(functions).toEqual([...ENTRY_FUNCTIONS].sort());
});

test('no duration, size or CPU in its types is a string or a number', () => {
  const offenders: string[] = [];
  const seen = new Set<ts.Type>();
  const visit = (type: ts.Type, where: string, depth: number) => {
    if (depth > 6 || seen.has(type)) return;
    seen.add(type);
    for (const t of type.isUnion() || type.isIntersection() ? type.types : [type]) {
      const symbol = t.getSymbol();
      const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
      // Only ballast's own types: cdk8s' and the standard library's are theirs.
      if (!file.startsWith(path.join(ROOT, 'lib'))) continue;
      for (const property of checker.getPropertiesOfType(t)) {
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        if (!declaration) continue;
        const propertyType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, declaration));
        const name = `${where}.${property.name}`;
        if (QUANTITY_NAME.test(property.name) && !(propertyType.flags & ts.TypeFlags.Object) && propertyType.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)) {
          offenders.push(`${name}: ${checker.typeToString(propertyType)}`);
        }
        if (propertyType.flags & ts.TypeFlags.Object) visit(propertyType, name, depth + 1);
      }
    }
  };
  for (const s of exported) {
    const target = resolved(s);
    if (!(target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class))) continue;
    visit(checker.getDeclaredTypeOfSymbol(target), s.name, 0);
  }
  // Mutation: `interval?: string` back in FluxSyncConfig (lib/platform.ts) is listed here.
  expect(offenders).toEqual([]);
});
