import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/store/model.js';
import { SUPPRESSION_KEY_PREFIX } from '../../infra/organizer-policy.js';
import {
  actionsOf,
  type Resource,
  resourcesOf,
  type Statement,
  type Synthesized,
  synthesize,
} from './support.js';

const refOf = (value: unknown): string => (value as { Ref: string }).Ref;
const statementsOf = (policy: Resource) =>
  (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;

describe('organizer access', () => {
  let s: Synthesized;
  let organizer: Resource;
  let testSend: Resource;
  let suppressions: Resource;
  let outputs: Record<string, { Value: unknown; Export?: { Name: string } }>;

  beforeAll(() => {
    s = synthesize();
    outputs = s.template.toJSON().Outputs;
    const byName = (suffix: string) => {
      const found = s
        .ofType('AWS::IAM::ManagedPolicy')
        .find(([, p]) => JSON.stringify(p.Properties.ManagedPolicyName).endsWith(`-${suffix}"]]}`));
      if (!found) throw new Error(`no managed policy named …-${suffix}`);
      return found[1];
    };
    organizer = byName('organizer');
    testSend = byName('organizer-test-send');
    suppressions = byName('organizer-suppressions');
  });

  it('allows exactly: DescribeStacks on this stack, SendMessage to intake, reads of mailing state', () => {
    const intakeQueue = refOf(outputs.IntakeQueueUrl?.Value);
    const table = refOf(outputs.TableName?.Value);
    const granted = statementsOf(organizer).flatMap((st) =>
      actionsOf(st).map((action) => [action, resourcesOf(st).map((r) => JSON.stringify(r))] as const),
    );
    const actions = [...new Set(granted.map(([a]) => a))].sort();
    expect(actions).toEqual([
      'cloudformation:DescribeStacks',
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'sqs:SendMessage',
    ]);
    for (const [action, resources] of granted) {
      if (action === 'cloudformation:DescribeStacks')
        expect(resources).toEqual([JSON.stringify({ Ref: 'AWS::StackId' })]);
      if (action === 'sqs:SendMessage')
        expect(resources).toEqual([JSON.stringify({ 'Fn::GetAtt': [intakeQueue, 'Arn'] })]);
      if (action.startsWith('dynamodb:')) for (const r of resources) expect(r).toContain(`"${table}","Arn"`);
    }
    for (const st of statementsOf(organizer)) expect(st.Effect).toBe('Allow');
  });

  it('lets organizers query only the mailing and delivery indexes', () => {
    const indexes = statementsOf(organizer)
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r).match(/\/index\/([\w-]+)/)?.[1])
      .filter(Boolean)
      .sort();
    expect(indexes).toEqual(['gsi1', 'gsi2']);
  });

  it('keeps test sends in a separate policy, from the sender domain through the configuration set', () => {
    const [statement, ...rest] = statementsOf(testSend);
    expect(rest).toEqual([]);
    expect(actionsOf(statement as Statement)).toEqual(['ses:SendRawEmail']);
    expect(statement?.Condition).toEqual({ StringLike: { 'ses:FromAddress': `*@${s.config.senderDomain}` } });
    const resources = resourcesOf(statement as Statement).map((r) => JSON.stringify(r));
    expect(resources.some((r) => r.includes(':configuration-set/'))).toBe(true);
    expect(resources.every((r) => r.includes(':configuration-set/') || r.includes(':identity/'))).toBe(true);
  });

  it('keeps suppression adds and lifts in a separate policy that writes suppression partitions only', () => {
    const [statement, ...rest] = statementsOf(suppressions);
    expect(rest).toEqual([]);
    expect(actionsOf(statement as Statement).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(statement?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SUPPRESSION_KEY_PREFIX}*`] },
    });
    // The prefix is the data model's, or the policy would allow nothing (or something else).
    expect(keys.suppression('someone@example.org', 'GLOBAL').pk.startsWith(SUPPRESSION_KEY_PREFIX)).toBe(
      true,
    );
  });

  it('exports the policy ARNs as stack outputs built from the policies’ names', () => {
    const region = { Ref: 'AWS::Region' };
    expect(organizer.Properties.ManagedPolicyName).toEqual({
      'Fn::Join': ['', ['test-', region, '-organizer']],
    });
    expect(testSend.Properties.ManagedPolicyName).toEqual({
      'Fn::Join': ['', ['test-', region, '-organizer-test-send']],
    });
    const arn = (suffix: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          ':policy/test-',
          region,
          suffix,
        ],
      ],
    });
    expect(outputs.OrganizerPolicyArn?.Value).toEqual(arn('-organizer'));
    expect(outputs.OrganizerTestSendPolicyArn?.Value).toEqual(arn('-organizer-test-send'));
    expect(outputs.OrganizerSuppressionsPolicyArn?.Value).toEqual(arn('-organizer-suppressions'));
    expect(outputs.OrganizerPolicyArn?.Export?.Name).toBe('test-organizer-policy-arn');
    expect(outputs.OrganizerTestSendPolicyArn?.Export?.Name).toBe('test-organizer-test-send-policy-arn');
  });
});
