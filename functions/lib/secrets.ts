/**
 * Secrets a function needs at run time, behind a small port so handlers can be tested with a fake.
 * The deployed API reads its cursor key from AWS Secrets Manager (the stack generates it); local
 * runs and tests pass a key directly.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Where one secret string comes from. */
export interface SecretSource {
  /** The secret's current value. Rejects when it cannot be read (a retry may help). */
  get(): Promise<string>;
}

/** A secret that is already known (local runs, tests). */
export class FixedSecret implements SecretSource {
  constructor(private readonly value: string) {}
  async get(): Promise<string> {
    return this.value;
  }
}

/** Thrown when a Secrets Manager secret has no string value (a binary secret, or an empty one). */
export class SecretNotString extends Error {
  override name = 'SecretNotString';
}

/** The SecretString of one Secrets Manager secret, read on every call (wrap it in {@link cachedSecret}). */
export class SecretsManagerSecret implements SecretSource {
  constructor(private readonly client: SecretsManagerClient, private readonly secretId: string) {}

  async get(): Promise<string> {
    const reply = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!reply.SecretString) throw new SecretNotString(`secret ${this.secretId} has no string value: store the key as SecretString`);
    return reply.SecretString;
  }
}

/**
 * `source`, read once and kept for the life of the container. A failed read is not kept: the next
 * call tries again, so one throttled cold start does not poison every later request.
 */
export function cachedSecret(source: SecretSource): SecretSource {
  let value: Promise<string> | undefined;
  return {
    get() {
      value ??= source.get().catch((error: unknown) => {
        value = undefined;
        throw error;
      });
      return value;
    },
  };
}
