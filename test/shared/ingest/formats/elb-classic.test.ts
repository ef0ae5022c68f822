import { describe, expect, it } from 'vitest';
import { elbClassicPreset, parseElbClassicLine } from '../../../../shared/ingest/formats/elb-classic.ts';
import { sniffTextPreset } from '../../../../shared/ingest/formats/registry.ts';
import { ALB, ELB_CLASSIC, JUNK, SAMPLES, context, records } from './aws-samples.ts';

const parse = (line: string) => parseElbClassicLine(line, 'elb.log', 3);

describe('Classic ELB access log preset', () => {
  it('maps a request to message, duration (sum of the three times), level, service and UTC timestamp', () => {
    expect(parse(ELB_CLASSIC.ok)).toMatchObject({
      source: 'elb.log',
      line: 3,
      message: 'GET /products/{num}',
      durationMs: 1.178,
      level: 'INFO',
      service: '10.0.3.17:80',
      timestamp: Date.UTC(2024, 2, 14, 9, 26, 53, 945),
    });
  });

  it('has no session (Classic ELB logs no trace id)', () => {
    expect(parse(ELB_CLASSIC.ok)).not.toHaveProperty('sessionId');
    expect(elbClassicPreset.provides.session).toBe(false);
  });

  it('keeps client, elb, status codes, bytes and user agent in fields', () => {
    expect(parse(ELB_CLASSIC.ok)!.fields).toEqual({
      elb: 'prod-classic-elb',
      client: '198.51.100.23:51234',
      request_processing_time: '0.000073',
      backend_processing_time: '0.001048',
      response_processing_time: '0.000057',
      elb_status_code: '200',
      backend_status_code: '200',
      received_bytes: '0',
      sent_bytes: '2950',
      request: 'GET http://www.example.com:80/products/1234 HTTP/1.1',
      user_agent: 'curl/8.4.0',
    });
  });

  it('has no duration when the backend was not reached (-1) and reads a 504 as ERROR', () => {
    const record = parse(ELB_CLASSIC.timeout)!;
    expect(record).not.toHaveProperty('durationMs');
    expect(record).toMatchObject({ level: 'ERROR', message: 'POST /cart/items', service: '10.0.3.18:80' });
    expect(record.fields).toMatchObject({ ssl_protocol: 'TLSv1.2' });
  });

  it('reads a TCP listener line (no status codes: no level) and a 404 as WARN', () => {
    const tcp = parse(ELB_CLASSIC.tcp)!;
    expect(tcp).not.toHaveProperty('level');
    expect(tcp.durationMs).toBe(0.208);
    expect(parse(ELB_CLASSIC.notFound)!.level).toBe('WARN');
  });

  it('returns undefined for junk, ALB lines and broken lines', () => {
    for (const line of [...JUNK, ...Object.values(ALB)]) expect(parse(line)).toBeUndefined();
    expect(parse(ELB_CLASSIC.ok.replace(' 0.001048 ', ' fast '))).toBeUndefined();
    expect(parse(ELB_CLASSIC.ok.replace('10.0.3.17:80', 'backend'))).toBeUndefined();
    expect(parse(ELB_CLASSIC.ok.slice(0, ELB_CLASSIC.ok.indexOf('"GET') + 10))).toBeUndefined();
  });

  it('is sniffed from a sample file, and no other sample is sniffed as Classic ELB', () => {
    expect(sniffTextPreset(SAMPLES['elb-classic']!, context)?.name).toBe('elb-classic');
    for (const [name, lines] of Object.entries(SAMPLES)) {
      if (name !== 'elb-classic') expect(sniffTextPreset(lines, context)?.name).not.toBe('elb-classic');
    }
  });

  it('declares an honest text preset', () => {
    expect(elbClassicPreset).toMatchObject({ name: 'elb-classic', framing: 'text', multiline: 'none', provides: { duration: true, level: true, service: true } });
    expect(records(elbClassicPreset, SAMPLES['elb-classic']!)).toHaveLength(4);
  });
});
