import { describe, expect, it } from 'vitest';
import { elbDurationMs, namedFields, splitFields } from '../../../../shared/ingest/formats/fields.ts';
import { normalizeRoute } from '../../../../shared/ingest/formats/http.ts';

describe('splitFields', () => {
  it('splits on spaces and keeps quoted values whole, without their quotes', () => {
    expect(splitFields('a "b c" d')).toEqual(['a', 'b c', 'd']);
  });

  it('reads a bracketed value whole, without the brackets', () => {
    expect(splitFields('owner bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3')).toEqual(['owner', 'bucket', '06/Feb/2019:00:00:38 +0000', '192.0.2.3']);
  });

  it('unescapes \\" inside a quoted value and does not end the value there', () => {
    expect(splitFields('x "say \\"hi\\" now" y')).toEqual(['x', 'say "hi" now', 'y']);
  });

  it('ends a quoted value only at a quote followed by a space or the end of the line', () => {
    expect(splitFields('x "size 5"x7" y')).toEqual(['x', 'size 5"x7', 'y']);
    expect(splitFields('"- - - " z')).toEqual(['- - - ', 'z']);
  });

  it('keeps empty values between double spaces and stops at the limit', () => {
    expect(splitFields('a  b')).toEqual(['a', '', 'b']);
    expect(splitFields('a b c d', 2)).toEqual(['a', 'b']);
  });

  it('returns undefined for an unterminated quote or bracket', () => {
    expect(splitFields('a "b c')).toBeUndefined();
    expect(splitFields('a [b c')).toBeUndefined();
  });

  it('stays linear on a long line full of quotes that never close a field', () => {
    const line = `"${'x"'.repeat(500_000)}y`;
    expect(splitFields(line)).toBeUndefined();
  });
});

describe('ELB helpers', () => {
  it('sums the three processing times into ms, with no float noise', () => {
    expect(elbDurationMs('0.1', '0.2', '0.0')).toBe(300);
    expect(elbDurationMs('0.000073', '0.001048', '0.000057')).toBe(1.178);
  });

  it('gives no duration when any time is -1 or not a number', () => {
    expect(elbDurationMs('0.000', '-1', '-1')).toBeUndefined();
    expect(elbDurationMs('-1', '0.010', '0.000')).toBeUndefined();
    expect(elbDurationMs('0.001', '', '0.000')).toBeUndefined();
  });

  it('names present values only', () => {
    expect(namedFields(['a', 'b', 'c', 'd'], ['1', '-', '', '4', '5'], new Set(['d']))).toEqual({ a: '1' });
  });
});

describe('normalizeRoute on object requests', () => {
  it('replaces an id in front of a file extension and keeps the extension', () => {
    expect(normalizeRoute('/img/2024/981.png?w=200')).toBe('/img/{num}/{num}.png?w={*}');
    expect(normalizeRoute('/uploads/2f1c9a7e-0b4d-4c8e-9f3a-6b5d4c3e2f1a.bin')).toBe('/uploads/{uuid}.bin');
  });

  it('leaves ordinary file names and hosts alone', () => {
    expect(normalizeRoute('https://d111111abcdef8.cloudfront.net/css/site.css')).toBe('/css/site.css');
    expect(normalizeRoute('/favicon.ico')).toBe('/favicon.ico');
  });
});
