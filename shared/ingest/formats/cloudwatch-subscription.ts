/**
 * CloudWatch Logs subscription payloads as Kinesis Data Firehose writes them to S3: JSON objects
 * back to back (`}{`, or newline-separated), each
 * `{"messageType":"DATA_MESSAGE","owner","logGroup","logStream","subscriptionFilters":[…],"logEvents":[{"id","timestamp","message"}]}`.
 * `CONTROL_MESSAGE` objects (Firehose's reachability checks) give no record.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
import { epochToMs, parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { cloudwatchMessageRecord } from './lambda.ts';
import { isObject } from './lambda-json.ts';
import type { JsonPreset } from './preset.ts';

/**
 * The service a log group stands for: the function name of a Lambda log group
 * (`/aws/lambda/checkout` → `checkout`), otherwise the log group name itself (it is the one name
 * the payload gives its source; cutting it to a last segment would merge `/ecs/a/app` and `/ecs/b/app`).
 */
export function serviceOfLogGroup(logGroup: string): string | undefined {
  if (logGroup.length === 0) return undefined;
  const lambda = '/aws/lambda/';
  if (logGroup.startsWith(lambda) && logGroup.length > lambda.length) return logGroup.slice(lambda.length);
  return logGroup;
}

export const cloudwatchSubscriptionPreset: JsonPreset = {
  name: 'cloudwatch-subscription',
  title: 'CloudWatch Logs subscription payloads delivered by Firehose (DATA_MESSAGE objects)',
  framing: 'json-values',
  provides: { duration: true, level: true, session: true, service: true },
  mapping: [
    'duration: from the event message: Lambda REPORT Duration, or a JSON message\'s duration field',
    'level: from the event message: the Lambda runtime\'s level, a JSON message\'s level, or a leading level word',
    'session: the Lambda RequestId in the message, or a JSON message\'s request/correlation id',
    'service: the function of /aws/lambda/<name> log groups, else the log group name (unless a JSON message names one)',
    'message: one record per logEvents item (CONTROL_MESSAGE objects give none): its first line, the rest in detail',
    'timestamp: the message\'s own, else the event timestamp (ms); logGroup, logStream, owner in fields',
  ],
  sniff(head, first) {
    if (/^\uFEFF?\s*\{\s*"messageType"\s*:\s*"(?:DATA|CONTROL)_MESSAGE"/.test(head)) return true;
    return isObject(first) && (first.messageType === 'DATA_MESSAGE' || first.messageType === 'CONTROL_MESSAGE')
      && Array.isArray(first.logEvents);
  },
  create(context) {
    // Records are numbered by event, not by object, so (source, line) names one record.
    let events = 0;
    return {
      records(value, source) {
        if (!isObject(value) || value.messageType !== 'DATA_MESSAGE' || !Array.isArray(value.logEvents)) return [];
        const logGroup = typeof value.logGroup === 'string' ? value.logGroup : '';
        const logStream = typeof value.logStream === 'string' ? value.logStream : '';
        const owner = typeof value.owner === 'string' ? value.owner : '';
        const service = serviceOfLogGroup(logGroup);
        const out: LogRecord[] = [];
        for (const event of value.logEvents) {
          if (!isObject(event) || typeof event.message !== 'string') continue;
          const ts = typeof event.timestamp === 'number' ? epochToMs(event.timestamp) : parseTimestamp(event.timestamp);
          const record = cloudwatchMessageRecord(event.message, ts, context, source, ++events);
          if (record.service === undefined && service !== undefined) record.service = service;
          const fields: Record<string, string> = { ...record.fields };
          if (logGroup) fields.logGroup = logGroup;
          if (logStream) fields.logStream = logStream;
          if (owner) fields.owner = owner;
          record.fields = fields;
          out.push(record);
        }
        return out;
      },
    };
  },
};

