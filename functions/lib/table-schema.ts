/**
 * The results table's key schema, shared by the CDK stack, the test harness, `npm run invoke` and the
 * CLI's embedded store, so all of them create the same table. See docs/data-model.md.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const TABLE_KEYS = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Runs by source and time; a run's anomalies by score; models by source and time. */
  gsi1: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  /** A run's anomalies of one type, by score. */
  gsi2: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  /** Epoch seconds; DynamoDB TTL deletes the item some time after (readers filter expired items). */
  ttlAttribute: 'expiresAt',
} as const;

/** CreateTable input for emulators and the embedded store (on-demand, both GSIs projecting everything). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const k = TABLE_KEYS;
  const attributes = [k.partitionKey, k.sortKey, k.gsi1.partitionKey, k.gsi1.sortKey, k.gsi2.partitionKey, k.gsi2.sortKey];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: k.partitionKey, KeyType: 'HASH' }, { AttributeName: k.sortKey, KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [k.gsi1, k.gsi2].map((gsi) => ({
      IndexName: gsi.name,
      KeySchema: [{ AttributeName: gsi.partitionKey, KeyType: 'HASH' as const }, { AttributeName: gsi.sortKey, KeyType: 'RANGE' as const }],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
