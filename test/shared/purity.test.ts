import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
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

async function* typescriptFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
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
});
