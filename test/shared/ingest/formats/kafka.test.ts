import { describe, expect, it } from 'vitest';
import { kafkaPreset } from '../../../../shared/ingest/formats/java.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { KAFKA, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

describe('kafka preset', () => {
  const records = parseAll(kafkaPreset, KAFKA);

  it('reads a broker line: the (logger) suffix is the service and stays out of the message', () => {
    expect(records[1]).toEqual({
      source: 'sample.log',
      line: 2,
      message: '[KafkaServer id=0] started',
      level: 'INFO',
      timestamp: Date.parse('2016-12-19T16:31:46.200Z'),
      service: 'kafka.server.KafkaServer',
    });
  });

  it('keeps parentheses of the message that are not the logger', () => {
    expect((records[0] as LogRecord).message).toBe(
      'Registered broker 0 at path /brokers/ids/0 with addresses: PLAINTEXT -> EndPoint(kafka-0,9092,PLAINTEXT)',
    );
    expect((records[0] as LogRecord).service).toBe('kafka.utils.ZkUtils');
  });

  it('reads WARN and ERROR lines and ZooKeeper client lines', () => {
    expect(records[2]).toMatchObject({ level: 'WARN', service: 'kafka.server.ReplicaFetcherThread' });
    expect(records[6]).toMatchObject({ level: 'ERROR', service: 'kafka.controller.KafkaController', message: '[Controller id=0] Error while electing leader' });
    expect(records[7]).toMatchObject({ service: 'org.apache.zookeeper.ClientCnxn' });
  });

  it('returns undefined for the exception and frame lines', () => {
    expect(records.slice(3, 6)).toEqual([undefined, undefined, undefined]);
  });

  it('accepts the first line of a multi-line message, which has no (logger) yet', () => {
    const record = parseOne(kafkaPreset, '[2016-12-19 16:31:46,143] INFO KafkaConfig values: ') as LogRecord;
    expect(record).toMatchObject({ level: 'INFO', message: 'KafkaConfig values: ' });
    expect(record.service).toBeUndefined();
  });

  it('does not take an undotted parenthesis for the logger', () => {
    const record = parseOne(kafkaPreset, '[2016-12-19 16:31:46,143] WARN Retrying (attempt)') as LogRecord;
    expect(record.message).toBe('Retrying (attempt)');
    expect(record.service).toBeUndefined();
  });

  it('reads an empty message that leaves only the logger', () => {
    expect(parseOne(kafkaPreset, '[2016-12-19 16:31:46,143] INFO  (kafka.Foo.Bar)')).toMatchObject({ message: '', service: 'kafka.Foo.Bar' });
  });

  it.each([
    ['a log4j line', '2024-01-01 00:00:00,123 INFO [main] com.example.App - Starting'],
    ['a bracketed word', '[main] INFO started (kafka.Foo)'],
    ['an unknown level', '[2016-12-19 16:31:46,143] NOTICE hi (kafka.Foo)'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(kafkaPreset, line)).toBeUndefined();
  });

  it('is sniffed as kafka (stack trace included), read by no other common preset', () => {
    expectClaimedOnlyBy(kafkaPreset, KAFKA);
  });
});
