import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * style.md "Rooms and doors": the engine imports nothing from @nestjs/* or
 * Prisma, only decimal.js and its own files.
 */
describe('libs/commission-engine boundary', () => {
  const sourceFiles = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
    });
  const files = sourceFiles(__dirname);
  const importPattern = /(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

  test('finds the engine sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  test.each(files.map((file) => [file.slice(__dirname.length + 1), file]))('%s imports only decimal.js and its own files', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(importPattern)].map((match) => match[1] ?? match[2] ?? match[3]);
    for (const specifier of specifiers) {
      expect(specifier === 'decimal.js' || specifier.startsWith('./') || specifier.startsWith('../')).toBe(true);
    }
    expect(source).not.toMatch(/@nestjs\/|@prisma\/|generated\/prisma/);
  });
});
