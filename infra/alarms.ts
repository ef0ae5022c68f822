/**
 * The stack's alarms and where they go: an encrypted SNS topic (TLS only) with an optional email
 * subscription (stack parameter `AlarmEmail`; empty means no subscription), and one alarm on
 *   - each dead-letter queue's depth (a message there is work the pipeline gave up on),
 *   - each function's Errors and Throttles,
 *   - the nightly job's StuckRuns metric (runs left RUNNING past their limit).
 * Functions and DLQs are found in the construct tree when this construct is made: create it after
 * every function and queue (the last line of the stack). Every alarm treats missing data as fine,
 * since a quiet DLQ or an idle function sends no data points at all.
 */
import { ArnFormat, CfnCondition, CfnParameter, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Stats, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { HandlerFunction } from './handler-function.ts';

/** The functions' Powertools metrics namespace (functions/lib/metrics.ts: no function overrides it). */
export const METRICS_NAMESPACE = 'logsleuth';
/** Runs found RUNNING past their limit, emitted by the nightly job on each run (0 when there are none). */
export const STUCK_RUNS_METRIC = 'StuckRuns';
/** Logical id of the stack parameter with the alarm email address. */
export const ALARM_EMAIL_PARAMETER = 'AlarmEmail';

const FIVE_MINUTES = Duration.minutes(5);

export class Alarms extends Construct {
  readonly topic: Topic;
  readonly emailParameter: CfnParameter;
  /** Every alarm made, each with the topic as its alarm action. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    // On the stack itself, so its logical id is exactly `AlarmEmail` (deploy: --parameters AlarmEmail=…).
    this.emailParameter = new CfnParameter(stack, ALARM_EMAIL_PARAMETER, {
      type: 'String', default: '',
      description: 'Email address that receives logsleuth alarms (confirm the subscription mail); empty: no subscription',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      constraintDescription: 'an email address, or empty',
    });

    // CloudWatch cannot publish to a topic under the AWS-managed SNS key: a key of our own lets it.
    const key = new Key(this, 'TopicKey', { description: 'logsleuth alarm topic', enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    key.grant(cloudwatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: 'logsleuth alarms', masterKey: key, enforceSSL: true });
    // The topic policy (made for enforceSSL) replaces SNS's default one: say that this account's alarms may publish.
    this.topic.addToResourcePolicy(new PolicyStatement({
      principals: [cloudwatch], actions: ['sns:Publish'], resources: [this.topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }));

    const hasEmail = new CfnCondition(this, 'HasAlarmEmail', { expression: Fn.conditionNot(Fn.conditionEquals(this.emailParameter.valueAsString, '')) });
    const subscription = new CfnSubscription(this, 'Email', { topicArn: this.topic.topicArn, protocol: 'email', endpoint: this.emailParameter.valueAsString });
    subscription.cfnOptions.condition = hasEmail;

    for (const { name, dlq } of deadLetterQueues(stack)) {
      this.add(`${name}Depth`, dlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM }),
        `${name}: messages in the dead-letter queue. Their runs need attention: see the function's logs, then redrive or delete them.`);
    }
    for (const { name, fn } of handlerFunctions(stack)) {
      this.add(`${name}Errors`, fn.fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }), `${name}: the function failed (errors, timeouts, crashes).`);
      this.add(`${name}Throttles`, fn.fn.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM }), `${name}: invocations were throttled (account or reserved concurrency).`);
    }
    // A sum over every series of the metric, whatever its dimensions (Powertools adds `service`, the
    // job may add `Source`): a Metrics Insights query, which, unlike SEARCH, an alarm can evaluate.
    this.add('StuckRuns', new MathExpression({
      expression: `SELECT SUM(${STUCK_RUNS_METRIC}) FROM "${METRICS_NAMESPACE}"`,
      period: Duration.hours(1),
      label: 'Runs stuck in RUNNING',
    }), 'Runs were found RUNNING past their limit by the nightly job, which marks them FAILED with the reason: see the runs of the source.');
  }

  private add(id: string, metric: IMetric, description: string): void {
    const alarm = new Alarm(this, id, {
      metric, alarmDescription: description,
      threshold: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1, treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

/** A construct's path below its stack without separators: `DetectJobs/Dlq` → `DetectJobsDlq`. */
function nameOf(construct: IConstruct, stack: Stack): string {
  return construct.node.path.slice(stack.node.path.length + 1).replace(/[^A-Za-z0-9]/g, '');
}

/** Every queue some queue dead-letters into, once each. */
export function deadLetterQueues(stack: Stack): { name: string; dlq: Queue }[] {
  const dlqs = new Set<Queue>();
  for (const c of stack.node.findAll()) {
    const target = c instanceof Queue ? c.deadLetterQueue?.queue : undefined;
    if (target instanceof Queue) dlqs.add(target);
  }
  return [...dlqs].map((dlq) => ({ name: nameOf(dlq, stack), dlq }));
}

/** Every logsleuth function (not CDK's own helper functions, such as the bucket-notifications handler). */
export function handlerFunctions(stack: Stack): { name: string; fn: HandlerFunction }[] {
  return stack.node.findAll().filter((c): c is HandlerFunction => c instanceof HandlerFunction).map((fn) => ({ name: nameOf(fn, stack), fn }));
}
