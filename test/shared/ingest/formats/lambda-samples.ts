/**
 * Samples written from AWS's published formats (Lambda runtime text lines, Lambda's JSON log format,
 * CloudWatch Logs subscription payloads, CloudTrail records) and Docker's json-file driver.
 */
import { ByteReader } from '../../../../shared/ingest/byte-reader.ts';
import { JsonRecordMapper, resolveFieldMapping } from '../../../../shared/ingest/field-mapping.ts';
import type { ParseContext } from '../../../../shared/ingest/formats/preset.ts';

export const context = (): ParseContext => ({ mapper: new JsonRecordMapper(resolveFieldMapping()) });

export const REQ1 = '8f5a3c1e-2b7d-4c9a-9e1f-0a6b2c3d4e5f';
export const REQ2 = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';

/** A Node.js function's text log stream: a cold start, one good invocation, one that times out. */
export const LAMBDA_TEXT = [
  'INIT_START Runtime Version: nodejs:20.v22\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:da57c20c4b965d5b75540f6865a35fc8030358e33ec44ecfed33e90901a27a72',
  `START RequestId: ${REQ1} Version: $LATEST`,
  `2024-05-14T09:21:07.512Z\t${REQ1}\tINFO\tprocessing order 4411`,
  `2024-05-14T09:21:07.530Z\t${REQ1}\tERROR\tpayment failed {`,
  '  "code": "card_declined"',
  '}',
  `END RequestId: ${REQ1}`,
  `REPORT RequestId: ${REQ1}\tDuration: 45.21 ms\tBilled Duration: 46 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 160.14 ms\t`,
  `START RequestId: ${REQ2} Version: $LATEST`,
  `2024-05-14T09:21:09.004Z\t${REQ2}\tINFO\tcalling inventory service`,
  `2024-05-14T09:21:12.001Z ${REQ2} Task timed out after 3.00 seconds`,
  `END RequestId: ${REQ2}`,
  `REPORT RequestId: ${REQ2}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tStatus: timeout`,
];

/** The same function's log group exported with CreateExportTask: `<ISO timestamp> <message>`. */
export const EXPORT_TEXT = [
  `2024-05-14T09:21:07.311Z START RequestId: ${REQ1} Version: $LATEST`,
  `2024-05-14T09:21:07.512Z 2024-05-14T09:21:07.512Z\t${REQ1}\tINFO\tprocessing order 4411`,
  `2024-05-14T09:21:07.560Z END RequestId: ${REQ1}`,
  `2024-05-14T09:21:07.560Z REPORT RequestId: ${REQ1}\tDuration: 45.21 ms\tBilled Duration: 46 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t`,
  `2024-05-14T09:21:12.001Z 2024-05-14T09:21:12.001Z ${REQ2} Task timed out after 3.00 seconds`,
  '2024-05-14T09:21:13.100Z {"timestamp":"2024-05-14T09:21:13.099Z","level":"WARN","requestId":"c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f","message":"retrying inventory call"}',
];

/** A byte reader over `content` handed out in `size`-byte chunks. */
export function readerOf(content: string | Uint8Array, size: number): ByteReader {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return new ByteReader((async function* () {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  })());
}

/** Every value of an async generator. */
export async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of values) out.push(value);
  return out;
}
