/**
 * Every result-store port over one results table, for wiring: a handler (or the CLI's embedded
 * store) builds this once and hands each stage only the ports it declares.
 *
 *   table.ts              ResultTable: retention, conditional and batch writes, retries, page tokens, spill to S3
 *   keys.ts               every item key (single-table design, docs/data-model.md)
 *   runs.ts               RunWriter            reader.ts   ResultReader
 *   findings.ts           FindingWriter        models.ts   ModelRegistry
 *   digests.ts            DigestStore          explanation-cache.ts  ExplanationCache
 */
import { DynamoDigestStore } from './digests.ts';
import { DynamoExplanationCache } from './explanation-cache.ts';
import { DynamoFindingWriter } from './findings.ts';
import { DynamoModelRegistry } from './models.ts';
import { DynamoResultReader } from './reader.ts';
import { DynamoRunWriter } from './runs.ts';
import { ResultTable, type ResultTableOptions } from './table.ts';

export { MAX_INLINE_BYTES, type ResultTableOptions } from './table.ts';

/** The result-store ports over one table; the field names are the ones the stages' port bundles use. */
export interface DynamoResultStores {
  runs: DynamoRunWriter;
  findings: DynamoFindingWriter;
  reader: DynamoResultReader;
  modelRegistry: DynamoModelRegistry;
  digests: DynamoDigestStore;
  explanationCache: DynamoExplanationCache;
}

export function dynamoResultStores(options: ResultTableOptions): DynamoResultStores {
  const table = new ResultTable(options);
  return {
    runs: new DynamoRunWriter(table),
    findings: new DynamoFindingWriter(table),
    reader: new DynamoResultReader(table),
    modelRegistry: new DynamoModelRegistry(table),
    digests: new DynamoDigestStore(table),
    explanationCache: new DynamoExplanationCache(table),
  };
}
