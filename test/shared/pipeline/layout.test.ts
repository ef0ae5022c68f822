import { describe, expect, it } from 'vitest';
import { isLogObjectKey, notificationTarget, runIdFor } from '../../../shared/pipeline/stages/layout.ts';

describe('isLogObjectKey: what the handlers and the nightly sweep read', () => {
  const logs = [
    'logs/app/app.log',
    'logs/app/app.log.1',
    'logs/app/APP.LOG',
    'logs/app/server.log',
    'logs/app/archive/2026/03/02/app.log.2.gz',
    'logs/alb/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/03/02/123456789012_elasticloadbalancing_us-east-1_app.my-lb.abc123_20260302T1005Z_10.0.0.1_xyz.log.gz',
    'logs/cdn/E2ABC.2026-03-02-10.abcd1234.gz',
    'logs/stream/2026/03/02/10/my-stream-1-2026-03-02-10-05-00-0b4f3c0e-1d2e-4f5a-9b8c-7d6e5f4a3b2c',
    'logs/trail/AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/02/123456789012_CloudTrail_us-east-1_20260302T1005Z_abc.json.gz',
    'logs/app/events.json',
    'logs/app/events.jsonl',
    'logs/app/bundle.tgz',
    'logs/app/day 1 (copy).txt',
    'baseline/app/app.log.1',
    'baseline/cdn/E2ABC.2026-03-01-10.abcd1234.gz',
  ];
  it.each(logs)('reads %s', (key) => {
    expect(isLogObjectKey(key)).toBe(true);
  });

  const skipped = [
    ['a folder marker', 'logs/app/'],
    ['a nested folder marker', 'logs/app/2026/03/'],
    ['a Hadoop-style folder marker', 'logs/app/2026_$folder$'],
    ['a key straight under logs/ (no source)', 'logs/app.log'],
    ['the logs/ prefix itself', 'logs/'],
    ['the source config', 'config/app.json'],
    ['our own model output', 'models/app/m1/model.json'],
    ['our own checkpoint', 'checkpoints/r1/1.json'],
    ['our own report', 'reports/2026-03-02.html'],
    ['a hidden file', 'logs/app/.DS_Store'],
    ['a keep file', 'baseline/app/.keep'],
    ['a job marker', 'logs/app/out/_SUCCESS'],
    ['a checksum sidecar', 'logs/app/app.log.gz.sha256'],
    ['an md5 sidecar', 'logs/app/app.log.MD5'],
    ['a signature', 'logs/app/app.log.gz.sig'],
    ["ELB's test file", 'logs/alb/AWSLogs/123456789012/ELBAccessLogTestFile'],
    ['a CloudTrail digest', 'logs/trail/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/03/02/123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20260302T1005Z.json.gz'],
    ['an inventory manifest', 'logs/inv/2026-03-02T00-00Z/manifest.json'],
  ];
  it.each(skipped)('skips %s (%s)', (_, key) => {
    expect(isLogObjectKey(key)).toBe(false);
  });
});

describe('notificationTarget: the stack notifies by prefix only', () => {
  it('routes baseline/ to training and logs/ to detection whatever the name', () => {
    expect(notificationTarget('baseline/app/app.log.1')).toBe('train');
    expect(notificationTarget('logs/stream/my-stream-1-2026-03-02-10-05-00-0b4f3c0e')).toBe('detect');
  });

  it('routes nothing the functions write, nor config/', () => {
    for (const key of ['models/app/current', 'checkpoints/r/1.json', 'sessions/r/s.json', 'contexts/r/a.json', 'rolling/app/days/2026-03-02.json', 'reports/2026-03-02.html', 'config/app.json']) {
      expect(notificationTarget(key)).toBeUndefined();
    }
  });
});

describe('runIdFor', () => {
  it('makes one id per object version without a source config, and a new one per config', () => {
    const plain = runIdFor('s3://b', 'logs/a/x.log', 'e1');
    expect(runIdFor('s3://b', 'logs/a/x.log', 'e1', undefined)).toBe(plain);
    expect(runIdFor('s3://b', 'logs/a/x.log', 'e2')).not.toBe(plain);
    expect(runIdFor('s3://b', 'logs/a/x.log', 'e1', 'c1')).not.toBe(plain);
    expect(runIdFor('s3://b', 'logs/a/x.log', 'e1', 'c1')).not.toBe(runIdFor('s3://b', 'logs/a/x.log', 'e1', 'c2'));
  });
});
