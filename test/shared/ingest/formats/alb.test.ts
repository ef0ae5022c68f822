import { describe, expect, it } from 'vitest';
import { albPreset, parseAlbLine } from '../../../../shared/ingest/formats/alb.ts';
import { sniffTextPreset } from '../../../../shared/ingest/formats/registry.ts';
import { ALB, ELB_CLASSIC, JUNK, SAMPLES, context, records } from './aws-samples.ts';

const parse = (line: string) => parseAlbLine(line, 'alb.log', 7);

describe('ALB access log preset', () => {
  it('maps a successful request to message, duration, level, session, service and UTC timestamp', () => {
    const record = parse(ALB.ok);
    expect(record).toMatchObject({
      source: 'alb.log',
      line: 7,
      message: 'GET /api/orders/{num}?page={*}',
      durationMs: 46,
      level: 'INFO',
      sessionId: 'Root=1-65f2c2fd-4f1c3e0a9b8d7c6e5f4a3b2c',
      service: '10.0.12.34:8080',
      timestamp: Date.UTC(2024, 2, 14, 9, 26, 53, 412),
    });
  });

  it('keeps client, user agent, status codes, bytes and later fields in fields, not in the message', () => {
    const record = parse(ALB.ok)!;
    expect(record.fields).toMatchObject({
      type: 'https',
      elb: 'app/prod-web-alb/50dc6c495c0c9188',
      client: '203.0.113.42:53422',
      elb_status_code: '200',
      target_status_code: '200',
      received_bytes: '312',
      sent_bytes: '1520',
      user_agent: expect.stringContaining('Chrome/122.0.0.0'),
      domain_name: 'shop.example.com',
      actions_executed: 'forward',
      conn_trace_id: 'TID_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
    });
    expect(record.fields).not.toHaveProperty('time');
    expect(record.fields).not.toHaveProperty('redirect_url');
    expect(record.message).not.toContain('203.0.113.42');
    expect(record.message).not.toContain('48213');
  });

  it('has no duration when a processing time is -1 and takes the level from a 502', () => {
    const record = parse(ALB.badGateway)!;
    expect(record).not.toHaveProperty('durationMs');
    expect(record).toMatchObject({ level: 'ERROR', message: 'POST /api/checkout', service: '10.0.12.35:8080' });
    expect(record.fields).not.toHaveProperty('target_status_code');
  });

  it('reads an h2 504 with the whole Self;Root trace header as its session', () => {
    const record = parse(ALB.timeout)!;
    expect(record).not.toHaveProperty('durationMs');
    expect(record.level).toBe('ERROR');
    expect(record.sessionId).toBe('Self=1-65f2c34c-1a2b3c4d5e6f7a8b9c0d1e2f;Root=1-65f2c31e-6f7a8b9c0d1e2f3a4b5c6d7e');
    expect(record.message).toBe('GET /api/reports/export?from={*}&to={*}');
  });

  it('leaves service out when no target is logged (Lambda) and keeps the error reason in fields', () => {
    const record = parse(ALB.lambda)!;
    expect(record).not.toHaveProperty('service');
    expect(record.durationMs).toBe(121);
    expect(record.fields?.error_reason).toBe('LambdaUnhandled');
  });

  it('reads a 4xx as WARN and accepts fields appended after conn_trace_id', () => {
    const record = parse(ALB.notFound)!;
    expect(record.level).toBe('WARN');
    expect(record.fields).toMatchObject({ classification: 'Ambiguous', classification_reason: 'AmbiguousUri' });
  });

  it('reads ws/wss lines (101 is INFO)', () => {
    expect(parse(ALB.websocket)).toMatchObject({ level: 'INFO', message: 'GET /ws/notifications', fields: { type: 'wss' } });
  });

  it('gives requests to the same route with different ids one message', () => {
    const other = ALB.ok.replace('/api/orders/48213?page=2', '/api/orders/7?page=9');
    expect(parse(other)!.message).toBe(parse(ALB.ok)!.message);
  });

  it('returns undefined for junk, Classic ELB lines and cut-off lines', () => {
    for (const line of [...JUNK, ...Object.values(ELB_CLASSIC)]) expect(parse(line)).toBeUndefined();
    expect(parse(ALB.ok.slice(0, ALB.ok.indexOf('Chrome')))).toBeUndefined();
    expect(parse(ALB.ok.replace(' 200 200 ', ' 2x0 200 '))).toBeUndefined();
    expect(parse(ALB.ok.replace('https 2024-03-14T09:26:53.412345Z', 'https yesterday'))).toBeUndefined();
  });

  it('is sniffed from a sample file, and no other sample is sniffed as ALB', () => {
    expect(sniffTextPreset(SAMPLES.alb!, context)?.name).toBe('alb');
    for (const [name, lines] of Object.entries(SAMPLES)) {
      if (name !== 'alb') expect(sniffTextPreset(lines, context)?.name).not.toBe('alb');
    }
  });

  it('declares an honest text preset', () => {
    expect(albPreset).toMatchObject({ name: 'alb', framing: 'text', multiline: 'none', provides: { duration: true, level: true, session: true, service: true } });
    expect(albPreset.mapping.join('\n')).toMatch(/-1/);
    expect(records(albPreset, SAMPLES.alb!)).toHaveLength(SAMPLES.alb!.length);
  });
});
