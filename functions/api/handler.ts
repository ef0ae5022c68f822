/**
 * Results API Lambda: API Gateway HTTP API (payload v2, IAM-authorised routes) → the shared Hono app
 * (shared/api/app.ts), the same routes `logsleuth serve` answers locally. Read only.
 * The cursor key comes from Secrets Manager (CURSOR_SECRET_ARN), read on the first request and kept
 * for the container's life.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handle } from 'hono/aws-lambda';
import { createApi } from '../../shared/api/app.ts';
import { MODELS_PREFIX } from '../../shared/pipeline/stages/layout.ts';
import { resultStores, s3Client } from '../lib/clients.ts';
import { apiConfigSchema, loadConfig } from '../lib/config.ts';
import { logger } from '../lib/powertools.ts';
import { S3ObjectStore } from '../lib/s3-object-store.ts';
import { cachedSecret, FixedSecret, SecretsManagerSecret, type SecretSource } from '../lib/secrets.ts';

const config = loadConfig(apiConfigSchema);
const objects = new S3ObjectStore(s3Client(config), config.BUCKET_NAME);
const results = resultStores(config, objects);

type LambdaHandler = ReturnType<typeof handle>;

/** The Lambda handler, signing cursors with the key `cursorKey` gives (asked once; a failed read is asked again). */
export function createApiHandler(cursorKey: SecretSource): LambdaHandler {
  const key = cachedSecret(cursorKey);
  let app: LambdaHandler | undefined;
  return (async (event, context) => {
    app ??= handle(createApi({
      reader: results.reader,
      models: results.modelRegistry,
      digests: results.digests,
      cursorSecret: await key.get(),
      // A source is one with a model (`models/<source>/current`): a listing of that prefix, not a table scan.
      sources: async () => [...new Set((await objects.list(MODELS_PREFIX))
        .filter((o) => o.key.endsWith('/current')).map((o) => o.key.slice(MODELS_PREFIX.length, -'/current'.length)))].sort(),
      onError: (error, path) => logger.error('api request failed', { path, error: error as Error }),
    }));
    return app(event, context);
  }) as LambdaHandler;
}

export const handler = createApiHandler(config.CURSOR_SECRET_ARN
  ? new SecretsManagerSecret(new SecretsManagerClient({}), config.CURSOR_SECRET_ARN)
  : new FixedSecret(config.CURSOR_SECRET!));
