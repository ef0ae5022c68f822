/**
 * The one Metrics instance of a function container (CloudWatch embedded metric format, namespace
 * from POWERTOOLS_METRICS_NAMESPACE, default `logsleuth`). Handlers flush it at the end of each invocation.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'logsleuth',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'logsleuth',
});
