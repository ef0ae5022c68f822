/** {@link ModelRegistry} on the results table: one item per model id, listed by source and training time (GSI1). */
import type { ModelRecord, ModelRegistry } from '../../../shared/ports.ts';
import { TABLE_KEYS } from '../table-schema.ts';
import { modelKey, modelsOfSourcePk, modelsOfSourceSk, plain, strip } from './keys.ts';
import type { ResultTable } from './table.ts';

export class DynamoModelRegistry implements ModelRegistry {
  constructor(private readonly table: ResultTable) {}

  async recordModel(model: ModelRecord): Promise<void> {
    // The same baseline trains the same model id: the first training time stays (a failed condition is that case).
    await this.table.put(
      { ...modelKey(model.source, model.modelId), entity: 'model', GSI1PK: modelsOfSourcePk(model.source), GSI1SK: modelsOfSourceSk(model), ...plain(model) },
      'attribute_not_exists(PK)',
    );
  }

  async listModels(source: string): Promise<ModelRecord[]> {
    const items = await this.table.query({
      IndexName: TABLE_KEYS.gsi1.name, KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': modelsOfSourcePk(source) }, ScanIndexForward: false,
    });
    return items.map((item) => strip(item) as unknown as ModelRecord);
  }
}
