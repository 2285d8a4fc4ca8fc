/**
 * Makes the client's built declarations stand alone. In the source, its types are derived from
 * `@sendcode/contract`'s zod schemas (`z.output<typeof schema>`), so they cannot drift from what the
 * gateway validates; a project that installs the packed client has neither package. This replaces
 * each type alias in `dist/*.d.ts` that reaches them by the structural type TypeScript computes for
 * it, and drops those imports. Run by `npm run build` after tsc.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE_ONLY = new Set(['@sendcode/contract', 'zod']);
const root = fileURLToPath(new URL('..', import.meta.url));

const program = ts.createProgram([`${root}src/index.ts`], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  exactOptionalPropertyTypes: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  customConditions: ['source'],
});
const checker = program.getTypeChecker();
const FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.InTypeAlias |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

const importsSourceOnly = (file: ts.SourceFile) =>
  file.statements.filter(
    (statement): statement is ts.ImportDeclaration =>
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      SOURCE_ONLY.has(statement.moduleSpecifier.text),
  );

for (const source of program.getSourceFiles()) {
  if (!source.fileName.startsWith(`${root}src/`) || importsSourceOnly(source).length === 0) continue;
  const flattened = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const type = checker.getTypeAtLocation(statement.type);
    flattened.set(statement.name.text, checker.typeToString(type, statement, FLAGS));
  }
  const path = source.fileName.replace(`${root}src/`, `${root}dist/`).replace(/\.ts$/, '.d.ts');
  const text = readFileSync(path, 'utf8');
  const declarations = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number; text: string }[] = importsSourceOnly(declarations).map(
    (node) => ({
      start: node.getStart(),
      end: node.getEnd(),
      text: '',
    }),
  );
  for (const statement of declarations.statements) {
    const structural = ts.isTypeAliasDeclaration(statement) && flattened.get(statement.name.text);
    if (structural)
      edits.push({ start: statement.type.getStart(), end: statement.type.getEnd(), text: structural });
  }
  let output = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    output = output.slice(0, edit.start) + edit.text + output.slice(edit.end);
  }
  if ([...SOURCE_ONLY].some((name) => output.includes(`'${name}'`))) {
    throw new Error(`${path} still refers to a source-only package after flattening`);
  }
  writeFileSync(path, output.replace(/^\n+/, ''));
}
