import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SOURCES = new URL('./', import.meta.url);

/**
 * What each source file of the client compiles to imports only the client's own files: the types it
 * takes from @sendcode/contract and zod are erased (`import type`), so nothing else is needed at run
 * time. Compiled as the repository compiles (`verbatimModuleSyntax`, under which an `import { type X }`
 * would stay behind as an import of the module), then read for every static, re-export and dynamic
 * import.
 */
describe('@sendcode/client at run time', () => {
  const files = readdirSync(SOURCES).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

  it('imports nothing but its own files (no zod, no @sendcode/contract)', () => {
    expect(files).toContain('index.ts');
    for (const name of files) {
      const source = readFileSync(new URL(name, SOURCES), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        fileName: name,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      const imported = ts.preProcessFile(outputText, true, true).importedFiles.map((file) => file.fileName);
      expect(
        imported.filter((specifier) => !specifier.startsWith('./')),
        name,
      ).toEqual([]);
    }
  });

  it('would notice an import left behind, such as an inline `import { type X }`', () => {
    const { outputText } = ts.transpileModule("import { type ErrorCode } from '@sendcode/contract';", {
      compilerOptions: { module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
    });
    expect(ts.preProcessFile(outputText, true, true).importedFiles.map((file) => file.fileName)).toEqual([
      '@sendcode/contract',
    ]);
  });
});
