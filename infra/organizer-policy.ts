import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Partition-key prefix of suppression rows (`functions/store/model.ts`: `keys.suppression`);
 * an infra test keeps the two in step.
 */
export const SUPPRESSION_KEY_PREFIX = 'SUPPRESSION#';

export interface OrganizerAccessProps {
  /** The queue organizers send CloudEvents to. */
  readonly intakeQueue: sqs.IQueue;
  /** The table mailing state is read from. */
  readonly table: dynamodb.ITable;
  /** Indexes the CLI queries (mailings, deliveries by state, rejections, suppressions). */
  readonly indexNames: readonly string[];
  /** Identities and configuration set a test send may use. */
  readonly sesIdentityArns: readonly string[];
  readonly configurationSetArn: string;
  /** Domain the From address of a test send must be on. */
  readonly senderDomain: string;
}

/**
 * What an organizer's IAM identity needs to run `npx communique --stack NAME …`
 * against this stack, as customer managed policies to attach to a user, group or
 * role. They have explicit names so that the stack can output their ARNs as plain
 * strings (which the local stack can resolve too).
 *
 * - `organizer`: resolve the stack's outputs (`cloudformation:DescribeStacks` on
 *   this stack only), send events to the intake queue (`sqs:SendMessage`, which
 *   covers `SendMessageBatch`), and read mailing state (`dynamodb:GetItem`,
 *   `BatchGetItem` — the CLI reads back what became of the events it sent — and
 *   `Query` on the table and its named indexes). Every change an organizer makes
 *   through it — a mailing, a confirm, a cancel, a resend, a contact import — is
 *   an event on the intake queue, so it is validated, recorded and paced like any
 *   other; it writes nothing to the table.
 * - `organizer-test-send`, opt-in: `ses:SendRawEmail` from an address on the
 *   sender domain, for `mailing test-send` (the CLI composes the test itself and
 *   sends it straight to SES). Apart because it lets its holder send any mail
 *   from the domain to anyone, outside the pipeline's suppression list, pacing
 *   and records; grant it to those who proof mailings.
 * - `organizer-suppressions`, opt-in: `suppressions add` writes a manual
 *   suppression, `suppressions lift` writes the lift record and deletes the
 *   suppression — `dynamodb:PutItem` and `DeleteItem` on suppression partitions
 *   only (`dynamodb:LeadingKeys`). Apart because a lift re-enables mail to
 *   someone who unsubscribed, bounced or complained.
 */
export class OrganizerAccess extends Construct {
  readonly policy: iam.ManagedPolicy;
  readonly testSendPolicy: iam.ManagedPolicy;
  readonly suppressionsPolicy: iam.ManagedPolicy;
  /** ARNs built from the explicit names (no Ref, so any resolver can read them). */
  readonly policyArn: string;
  readonly testSendPolicyArn: string;
  readonly suppressionsPolicyArn: string;

  constructor(scope: Construct, id: string, props: OrganizerAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // IAM names are global to the account: the stack name and region keep two
    // deployments (staging/production, two regions) apart.
    const name = (suffix: string) => `${stack.stackName}-${stack.region}-${suffix}`;
    const arnOf = (policyName: string) =>
      stack.formatArn({ service: 'iam', region: '', resource: 'policy', resourceName: policyName });

    const policyName = name('organizer');
    this.policy = new iam.ManagedPolicy(this, 'policy', {
      managedPolicyName: policyName,
      description: `communiqué organizer CLI for stack ${stack.stackName}: send events, read mailing state`,
      statements: [
        new iam.PolicyStatement({
          sid: 'ResolveStackOutputs',
          actions: ['cloudformation:DescribeStacks'],
          // The stack's own ARN (with its unique id), not a name pattern.
          resources: [stack.stackId],
        }),
        new iam.PolicyStatement({
          sid: 'SendEvents',
          actions: ['sqs:SendMessage'],
          resources: [props.intakeQueue.queueArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadMailingState',
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
          resources: [props.table.tableArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadMailingStateByIndex',
          actions: ['dynamodb:Query'],
          resources: props.indexNames.map((index) => `${props.table.tableArn}/index/${index}`),
        }),
      ],
    });
    this.policyArn = arnOf(policyName);

    const testSendPolicyName = name('organizer-test-send');
    this.testSendPolicy = new iam.ManagedPolicy(this, 'test-send-policy', {
      managedPolicyName: testSendPolicyName,
      description: `communiqué organizer test sends for stack ${stack.stackName} (opt-in)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'TestSend',
          actions: ['ses:SendRawEmail'],
          resources: [...props.sesIdentityArns, props.configurationSetArn],
          conditions: { StringLike: { 'ses:FromAddress': `*@${props.senderDomain}` } },
        }),
      ],
    });
    this.testSendPolicyArn = arnOf(testSendPolicyName);

    const suppressionsPolicyName = name('organizer-suppressions');
    this.suppressionsPolicy = new iam.ManagedPolicy(this, 'suppressions-policy', {
      managedPolicyName: suppressionsPolicyName,
      description: `communiqué organizer suppressions add/lift for stack ${stack.stackName} (opt-in)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'AddAndLiftSuppressions',
          actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
          resources: [props.table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SUPPRESSION_KEY_PREFIX}*`] },
          },
        }),
      ],
    });
    this.suppressionsPolicyArn = arnOf(suppressionsPolicyName);
  }
}
