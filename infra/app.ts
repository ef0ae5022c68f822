/**
 * CDK entry (cdk.json: `npx tsx infra/app.ts`). cdk-nag's AwsSolutions checks run on every synth;
 * an unacknowledged finding makes synth fail.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LogsleuthStack } from './logsleuth-stack.ts';

/** Builds the app with its stack and the nag checks; tests call this with their own context. */
export function buildApp(context: Record<string, unknown> = {}): { app: App; stack: LogsleuthStack } {
  const app = new App({ context });
  const stack = new LogsleuthStack(app, 'Logsleuth', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'logsleuth: log anomaly detection on S3 uploads (train, detect, explain queue)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
