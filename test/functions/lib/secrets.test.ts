/** Secret sources (functions/lib/secrets.ts) and the API's choice of cursor key in its configuration. */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { apiConfigSchema, loadConfig } from '../../../functions/lib/config.ts';
import { cachedSecret, FixedSecret, SecretNotString, SecretsManagerSecret, type SecretSource } from '../../../functions/lib/secrets.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cursor-AbCdEf';

/** A client that answers GetSecretValue with `reply` and records the ids it was asked for. */
function clientAnswering(reply: Record<string, unknown>): { client: SecretsManagerClient; asked: string[] } {
  const asked: string[] = [];
  const client = { send: async (command: { input: { SecretId: string } }) => (asked.push(command.input.SecretId), reply) };
  return { client: client as unknown as SecretsManagerClient, asked };
}

describe('a Secrets Manager secret', () => {
  it('is the SecretString of GetSecretValue on its id', async () => {
    const { client, asked } = clientAnswering({ SecretString: 'k'.repeat(64) });
    expect(await new SecretsManagerSecret(client, ARN).get()).toBe('k'.repeat(64));
    expect(asked).toEqual([ARN]);
  });

  it('refuses a secret without a string value', async () => {
    const { client } = clientAnswering({ SecretBinary: new Uint8Array([1]) });
    await expect(new SecretsManagerSecret(client, ARN).get()).rejects.toThrow(SecretNotString);
  });
});

describe('a cached secret', () => {
  it('reads its source once however often it is asked', async () => {
    let reads = 0;
    const cached = cachedSecret({ get: async () => `key-${++reads}` });
    expect(await Promise.all([cached.get(), cached.get()])).toEqual(['key-1', 'key-1']);
    expect(await cached.get()).toBe('key-1');
    expect(reads).toBe(1);
  });

  it('forgets a failed read, so the next call asks again', async () => {
    let reads = 0;
    const source: SecretSource = { get: async () => { if (++reads === 1) throw new Error('throttled'); return 'key'; } };
    const cached = cachedSecret(source);
    await expect(cached.get()).rejects.toThrow('throttled');
    expect(await cached.get()).toBe('key');
    expect(reads).toBe(2);
  });

  it('passes a fixed secret through', async () => {
    expect(await cachedSecret(new FixedSecret('local-key')).get()).toBe('local-key');
  });
});

describe('the API configuration', () => {
  const base = { TABLE_NAME: 't', BUCKET_NAME: 'b' };

  it('takes the cursor key\'s secret ARN, or a key itself for local runs', () => {
    expect(loadConfig(apiConfigSchema, { ...base, CURSOR_SECRET_ARN: ARN }).CURSOR_SECRET_ARN).toBe(ARN);
    expect(loadConfig(apiConfigSchema, { ...base, CURSOR_SECRET: 'a-local-cursor-key-0123' }).CURSOR_SECRET).toBe('a-local-cursor-key-0123');
  });

  it('fails naming CURSOR_SECRET_ARN when neither is set', () => {
    expect(() => loadConfig(apiConfigSchema, base)).toThrow(/CURSOR_SECRET_ARN/);
  });
});
