import { describe, expect, it } from 'vitest';
import { sniffTextPreset } from '../../../../shared/ingest/formats/registry.ts';
import { parseS3AccessLine, s3AccessPreset } from '../../../../shared/ingest/formats/s3-access.ts';
import { ALB, JUNK, S3, SAMPLES, context, records } from './aws-samples.ts';

const parse = (line: string) => parseS3AccessLine(line, 's3.log', 5);

describe('S3 server access log preset', () => {
  it('maps a GET to operation + route message, duration, level, service and the CLF time in UTC', () => {
    expect(parse(S3.get)).toMatchObject({
      source: 's3.log',
      line: 5,
      message: 'REST.GET.OBJECT GET /media-assets-prod/photos/{num}/{num}.jpg',
      durationMs: 45,
      level: 'INFO',
      service: 'media-assets-prod',
      timestamp: Date.UTC(2019, 1, 6, 0, 0, 38),
    });
  });

  it('keeps requester, request id, key, bytes, user agent and later fields in fields', () => {
    const record = parse(S3.get)!;
    expect(record.fields).toMatchObject({
      bucket_owner: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      remote_ip: '192.0.2.3',
      requester: 'arn:aws:iam::123456789012:user/deploy',
      request_id: '3E57427F3EXAMPLE',
      key: 'photos/2019/48213.jpg',
      bytes_sent: '52340',
      turn_around_time: '12',
      user_agent: expect.stringContaining('aws-sdk-java'),
      signature_version: 'SigV4',
      tls_version: 'TLSv1.2',
    });
    expect(record.fields).not.toHaveProperty('error_code');
    expect(record.fields).not.toHaveProperty('host_id');
    expect(record).not.toHaveProperty('sessionId');
  });

  it('reads a 404 with its error code in fields as WARN', () => {
    const record = parse(S3.notFound)!;
    expect(record).toMatchObject({ level: 'WARN', message: 'REST.HEAD.OBJECT HEAD /photos/{num}/{num}.jpg', durationMs: 8 });
    expect(record.fields?.error_code).toBe('NoSuchKey');
    expect(record.fields).not.toHaveProperty('requester');
  });

  it('reads a 503 SlowDown as ERROR, keeps upload ids out of the message and honours the zone offset', () => {
    const record = parse(S3.slowDown)!;
    expect(record).toMatchObject({
      level: 'ERROR',
      message: 'REST.PUT.OBJECT PUT /uploads/{uuid}.bin?partNumber={*}&uploadId={*}',
      durationMs: 1203,
      timestamp: Date.UTC(2019, 1, 5, 23, 1, 15),
    });
    expect(record.fields?.error_code).toBe('SlowDown');
  });

  it('keeps sub-resource names of bucket requests in the message', () => {
    expect(parse(S3.versioning)!.message).toBe('REST.GET.VERSIONING GET /media-assets-prod?versioning');
  });

  it('reads lifecycle actions that have no request, status or time: operation only, no level, no duration', () => {
    const record = parse(S3.expire)!;
    expect(record.message).toBe('S3.EXPIRE.OBJECT');
    expect(record).not.toHaveProperty('level');
    expect(record).not.toHaveProperty('durationMs');
    expect(record.fields).toMatchObject({ requester: 'AmazonS3', key: 'logs/2019/01/app.log.gz' });
  });

  it('returns undefined for junk (an Apache CLF line included), ALB lines and broken lines', () => {
    for (const line of [...JUNK, ...Object.values(ALB)]) expect(parse(line)).toBeUndefined();
    expect(parse(S3.get.replace('06/Feb/2019', '06/Fbr/2019'))).toBeUndefined();
    expect(parse(S3.get.replace('REST.GET.OBJECT', 'GET'))).toBeUndefined();
    expect(parse(S3.get.replace(' 45 12 ', ' slow 12 '))).toBeUndefined();
    expect(parse(S3.get.slice(0, S3.get.indexOf(' 200 ')))).toBeUndefined();
  });

  it('is sniffed from a sample file, and no other sample is sniffed as S3', () => {
    expect(sniffTextPreset(SAMPLES['s3-access']!, context)?.name).toBe('s3-access');
    for (const [name, lines] of Object.entries(SAMPLES)) {
      if (name !== 's3-access') expect(sniffTextPreset(lines, context)?.name).not.toBe('s3-access');
    }
  });

  it('declares an honest text preset without sessions', () => {
    expect(s3AccessPreset).toMatchObject({ name: 's3-access', framing: 'text', multiline: 'none', provides: { duration: true, level: true, session: false, service: true } });
    expect(records(s3AccessPreset, SAMPLES['s3-access']!)).toHaveLength(5);
  });
});
