import { describe, expect, it } from 'vitest';
import { durationFromMessage } from '../../../shared/ingest/message-duration.ts';

describe('durations written in messages', () => {
  it.each([
    ['Query SELECT 1 took 12 ms', 12],
    ['request handled in 0.24s', 240],
    ['"GET /v2/servers HTTP/1.1" status: 200 len: 1893 time: 0.2477', 247.7],
    ['REPORT RequestId: 8f5c\tDuration: 102.25 ms\tBilled Duration: 103 ms', 102.25],
    ['job done elapsed=1.5s', 1500],
    ['Completed POST /api/checkout 503 (5230 ms)', 5230],
    ['Task timed out after 3.00 seconds', 3000],
    ['upload took 250us', 0.25],
  ])('reads %j as %d ms', (message, ms) => {
    expect(durationFromMessage(message)).toBe(ms);
  });

  it.each([
    'User 123 logged in',
    'copied 3 files in place',
    'retrying in a moment',
    'took 1m2.5s',
    'port 8080 open',
  ])('finds no duration in %j', (message) => {
    expect(durationFromMessage(message)).toBeUndefined();
  });

  it('skips a keyword with no unit and takes the next one that has one', () => {
    expect(durationFromMessage('logged in 3 times, took 7ms')).toBe(7);
  });
});
