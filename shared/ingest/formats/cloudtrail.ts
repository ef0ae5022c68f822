/**
 * AWS CloudTrail log files: one JSON document `{"Records":[…]}` per file (gzip in S3), one API call
 * per element. The core streams the elements of `Records` (framing `json-records`).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import { parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { isObject } from './lambda-json.ts';
import type { JsonPreset } from './preset.ts';

/** Top-level record fields copied to `fields` when they are strings or booleans. */
const COPIED = [
  'sourceIPAddress', 'userAgent', 'awsRegion', 'requestID', 'eventID', 'eventType', 'readOnly',
  'errorCode', 'errorMessage', 'recipientAccountId',
] as const;

/**
 * The session of a call: the access key that signed it. For temporary credentials (an assumed
 * role, a console sign-in, an SSO session) that key lives exactly as long as one session, so all
 * calls made with one set of credentials group together; for an IAM user's long-term key it groups
 * that key's calls. Calls without a key (AWS services acting on their own) fall back to the caller's
 * ARN, then its principalId.
 */
function sessionOf(identity: Record<string, unknown>): string | undefined {
  for (const key of ['accessKeyId', 'arn', 'principalId'] as const) {
    const value = identity[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/** One CloudTrail record → its LogRecord, or `undefined` when the element is not an API call record. */
export function cloudtrailRecord(value: unknown, source: string, line: number): LogRecord | undefined {
  if (!isObject(value) || typeof value.eventName !== 'string' || value.eventName.length === 0) return undefined;
  const errorCode = typeof value.errorCode === 'string' && value.errorCode.length > 0 ? value.errorCode : undefined;
  const record: LogRecord = {
    source,
    line,
    // The API name is the template; a failure is a different template per error code.
    message: errorCode === undefined ? value.eventName : `${value.eventName} failed: ${errorCode}`,
    level: errorCode === undefined ? 'INFO' : 'ERROR',
  };
  const timestamp = parseTimestamp(value.eventTime);
  if (timestamp !== undefined) record.timestamp = timestamp;
  if (typeof value.eventSource === 'string' && value.eventSource.length > 0) record.service = value.eventSource;

  const fields: Record<string, string> = {};
  for (const key of COPIED) {
    const v = value[key];
    if (typeof v === 'string' || typeof v === 'boolean') fields[key] = String(v);
  }
  const identity = value.userIdentity;
  if (isObject(identity)) {
    const session = sessionOf(identity);
    if (session !== undefined) record.sessionId = session;
    if (typeof identity.arn === 'string') fields.userArn = identity.arn;
    if (typeof identity.type === 'string') fields.userType = identity.type;
    if (typeof identity.invokedBy === 'string') fields.invokedBy = identity.invokedBy;
    const context = identity.sessionContext;
    if (isObject(context) && isObject(context.sessionIssuer) && typeof context.sessionIssuer.arn === 'string') {
      fields.sessionIssuerArn = context.sessionIssuer.arn;
    }
  }
  record.fields = fields;
  return record;
}

export const cloudtrailPreset: JsonPreset = {
  name: 'cloudtrail',
  title: 'AWS CloudTrail log file ({"Records":[…]})',
  framing: 'json-records',
  provides: { duration: false, level: true, session: true, service: true },
  mapping: [
    'duration: none (CloudTrail does not record how long a call took)',
    'level: ERROR when errorCode is present, else INFO',
    'session: userIdentity.accessKeyId (one set of credentials: an assumed-role or console session), else userIdentity.arn, else principalId',
    'service: eventSource (s3.amazonaws.com)',
    'message: eventName, or `<eventName> failed: <errorCode>`',
    'timestamp: eventTime; sourceIPAddress, userAgent, awsRegion, userIdentity.arn (userArn), requestID, errorCode, errorMessage in fields',
  ],
  sniff(head, first) {
    if (/^\uFEFF?\s*\{\s*"Records"\s*:\s*\[/.test(head)) return true;
    return isObject(first) && Array.isArray(first.Records);
  },
  create() {
    return {
      records(value, source, ordinal) {
        // `ordinal` is the element's 1-based index in Records: unique and increasing within the file.
        const record = cloudtrailRecord(value, source, ordinal);
        return record === undefined ? [] : [record];
      },
    };
  },
};
