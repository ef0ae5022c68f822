import { describe, expect, it } from 'vitest';
import { cloudfrontPreset } from '../../../../shared/ingest/formats/cloudfront.ts';
import { SKIP } from '../../../../shared/ingest/formats/preset.ts';
import { sniffTextPreset } from '../../../../shared/ingest/formats/registry.ts';
import { CLOUDFRONT, JUNK, SAMPLES, context, parseAll, records } from './aws-samples.ts';

const FILE = [CLOUDFRONT.version, CLOUDFRONT.fields, CLOUDFRONT.hit, CLOUDFRONT.originTimeout, CLOUDFRONT.forbidden];

describe('CloudFront standard log preset', () => {
  it('skips the #Version and #Fields header lines', () => {
    const results = parseAll(cloudfrontPreset, FILE);
    expect(results.slice(0, 2)).toEqual([SKIP, SKIP]);
    expect(results.slice(2).every((r) => typeof r === 'object')).toBe(true);
  });

  it('maps a cache hit to message, duration, level, service and UTC timestamp', () => {
    const [hit] = records(cloudfrontPreset, FILE);
    expect(hit).toMatchObject({
      line: 3,
      message: 'GET /images/products/{num}.jpg',
      durationMs: 2,
      level: 'INFO',
      service: 'd111111abcdef8.cloudfront.net',
      timestamp: Date.UTC(2024, 2, 14, 9, 26, 53),
    });
    expect(hit).not.toHaveProperty('sessionId');
  });

  it('keeps the other columns in fields under their #Fields names, without the cookie', () => {
    const [hit] = records(cloudfrontPreset, FILE);
    expect(hit!.fields).toMatchObject({
      'x-edge-location': 'FRA56-P5',
      'c-ip': '198.51.100.77',
      'cs-uri-stem': '/images/products/48213.jpg',
      'x-edge-result-type': 'Hit',
      'x-edge-request-id': 'SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==',
      'x-host-header': 'www.example.com',
      'cs(User-Agent)': expect.stringContaining('iPhone%20OS'),
      'sc-content-len': '53120',
    });
    expect(hit!.fields).not.toHaveProperty('cs(Cookie)');
    expect(hit!.fields).not.toHaveProperty('date');
    expect(hit!.fields).not.toHaveProperty('cs-uri-query');
  });

  it('reads an origin timeout (504, 30 s) and a 403 probe', () => {
    const [, timeout, forbidden] = records(cloudfrontPreset, FILE);
    expect(timeout).toMatchObject({ message: 'GET /api/search', level: 'ERROR', durationMs: 30012 });
    expect(timeout!.fields).toMatchObject({ 'cs-uri-query': 'q=running%20shoes&page=2', 'x-edge-detailed-result-type': 'OriginCommError' });
    expect(forbidden).toMatchObject({ message: 'POST /wp-login.php', level: 'WARN', durationMs: 1 });
  });

  it('reads a file without header lines in the documented default order', () => {
    const [hit] = records(cloudfrontPreset, [CLOUDFRONT.hit]);
    expect(hit).toMatchObject({ message: 'GET /images/products/{num}.jpg', durationMs: 2, service: 'd111111abcdef8.cloudfront.net' });
  });

  it('follows a #Fields header that picks and reorders fields (standard logging v2)', () => {
    const lines = [
      '#Version: 1.0',
      '#Fields: time-taken sc-status x-host-header cs-method cs-uri-stem date time',
      '0.154\t502\tcdn.example.org\tGET\t/v1/users/9f3a8c21d4e5\t2024-03-14\t23:59:59',
    ];
    const [record] = records(cloudfrontPreset, lines);
    expect(record).toMatchObject({
      message: 'GET /v1/users/{hex}',
      level: 'ERROR',
      durationMs: 154,
      service: 'cdn.example.org',
      timestamp: Date.UTC(2024, 2, 14, 23, 59, 59),
    });
  });

  it('returns undefined for junk and for lines that do not fit the field list', () => {
    const parser = cloudfrontPreset.create(context);
    for (const line of JUNK) expect(parser.parse(line, 'cf.log', 1)).toBeUndefined();
    expect(parser.parse('#Software: Microsoft Internet Information Services', 'cf.log', 1)).toBeUndefined();
    expect(parser.parse(CLOUDFRONT.hit.replace('2024-03-14', '14/03/2024'), 'cf.log', 1)).toBeUndefined();
    expect(parser.parse(CLOUDFRONT.hit.replace('\t200\t', '\tOK\t'), 'cf.log', 1)).toBeUndefined();
    parser.parse(CLOUDFRONT.fields, 'cf.log', 1);
    expect(parser.parse(CLOUDFRONT.hit.split('\t').slice(0, 20).join('\t'), 'cf.log', 2)).toBeUndefined();
  });

  it('is sniffed from a sample file, and no other sample is sniffed as CloudFront', () => {
    expect(sniffTextPreset(SAMPLES.cloudfront!, context)?.name).toBe('cloudfront');
    for (const [name, lines] of Object.entries(SAMPLES)) {
      if (name !== 'cloudfront') expect(sniffTextPreset(lines, context)?.name).not.toBe('cloudfront');
    }
  });

  it('declares an honest text preset without sessions', () => {
    expect(cloudfrontPreset).toMatchObject({ name: 'cloudfront', framing: 'text', multiline: 'none', provides: { duration: true, level: true, session: false, service: true } });
    expect(cloudfrontPreset.mapping.join('\n')).toMatch(/session: none/);
  });
});
