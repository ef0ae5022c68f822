import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../scripts/lib/csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    // Arrange
    const text = 'a,b\r\n1,"x, ""y""\nz"\r\n2,\n';

    // Act
    const rows = parseCsv(text);

    // Assert
    expect(rows).toEqual([['a', 'b'], ['1', 'x, "y"\nz'], ['2', '']]);
  });
});
