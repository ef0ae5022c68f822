import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const INGEST_DIR = join(import.meta.dirname, '../../../shared/ingest');
const FORBIDDEN: [RegExp, string][] = [
  [/from 'node:fs/, 'node:fs'],
  [/process\.env/, 'process.env'],
  [/console\./, 'console'],
  [/Date\.now\(|new Date\(\)/, 'the wall clock'],
  [/Math\.random/, 'Math.random'],
  [/@aws-sdk\//, '@aws-sdk'],
];

describe('shared/ingest stays pure', () => {
  it('uses no file system, environment, console, wall clock or randomness', async () => {
    const offences: string[] = [];
    for (const file of (await readdir(INGEST_DIR)).filter((name) => name.endsWith('.ts'))) {
      const text = await readFile(join(INGEST_DIR, file), 'utf8');
      for (const [pattern, what] of FORBIDDEN) if (pattern.test(text)) offences.push(`${file} uses ${what}`);
    }

    expect(offences).toEqual([]);
  });
});
