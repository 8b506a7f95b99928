import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  ENTRIES,
  type Resource,
  resourcesOf,
  type Statement,
  type Synthesized,
  synthesize,
} from './support.js';

/** The Deny-without-TLS statement CDK's enforceSSL writes into a resource policy. */
const denyWithoutTls = (action: string) =>
  Match.objectLike({
    Effect: 'Deny',
    Action: action,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });

describe('data at rest and in transit', () => {
  let s: Synthesized;

  beforeAll(() => {
    s = synthesize();
  });

  it('encrypts every queue with SQS-managed keys', () => {
    const queues = s.ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(6);
    for (const [id, q] of queues) expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
  });

  it('refuses every request to every queue that does not use TLS', () => {
    for (const [id] of s.ofType('AWS::SQS::Queue')) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls('sqs:*')]) },
      });
    }
  });

  it('encrypts every topic (SES events, alarms, invitation answers) with a rotating customer managed key and refuses publishing without TLS', () => {
    const [keyId, key] = s.ofType('AWS::KMS::Key')[0] ?? [];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const topics = s.ofType('AWS::SNS::Topic');
    expect(topics).toHaveLength(3);
    for (const [id, topic] of topics) {
      expect(topic.Properties.KmsMasterKeyId, id).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls('sns:Publish')]) },
      });
    }
  });

  it('lets SES and CloudWatch use the topic key, and nobody else outside the account', () => {
    const [key] = s.ofType('AWS::KMS::Key').map(([, k]) => k);
    const statements = (key as Resource).Properties.KeyPolicy as { Statement: Statement[] };
    const services = statements.Statement.flatMap((st) => {
      const service = (st.Principal as { Service?: string } | undefined)?.Service;
      return service ? [service] : [];
    });
    expect(services.sort()).toEqual(['cloudwatch.amazonaws.com', 'ses.amazonaws.com']);
    for (const st of statements.Statement.filter((x) => (x.Principal as { Service?: string }).Service)) {
      expect(actionsOf(st).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
  });

  it('keeps the table on demand, encrypted, point-in-time recoverable, expiring by TTL and retained', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  it('gives every function its own log group with the configured retention', () => {
    const groups = s.ofType('AWS::Logs::LogGroup');
    for (const entry of Object.values(ENTRIES)) {
      const [, fn] = s.functionByEntry(entry);
      const group = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(groups.map(([id]) => id)).toContain(group);
      expect(s.resources[group]?.Properties.RetentionInDays, entry).toBe(s.config.logRetentionDays);
    }
  });
});

describe('least privilege', () => {
  let s: Synthesized;

  beforeAll(() => {
    s = synthesize();
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const [id, role] of s.ofType('AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
  });

  it('uses a wildcard resource only for X-Ray, which has no resource-level permissions', () => {
    const policies = [...s.ofType('AWS::IAM::Policy'), ...s.ofType('AWS::IAM::ManagedPolicy')];
    for (const [id, p] of policies) {
      for (const st of (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        const wildcard = resourcesOf(st).some((r) => typeof r === 'string' && r.includes('*'));
        if (wildcard)
          expect(
            actionsOf(st).every((a) => a.startsWith('xray:')),
            id,
          ).toBe(true);
        for (const action of actionsOf(st)) expect(action, id).not.toMatch(/\*/);
      }
    }
  });

  it('lets each function write only its own log group', () => {
    for (const entry of Object.values(ENTRIES)) {
      const [fnId, fn] = s.functionByEntry(entry);
      const group = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const logs = s.roleStatements(fnId).filter((st) => actionsOf(st).some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(actionsOf(logs[0] as Statement).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(resourcesOf(logs[0] as Statement)).toEqual([{ 'Fn::GetAtt': [group, 'Arn'] }]);
    }
  });

  it('grants ses:SendRawEmail to the sender only, on the sending identity and the configuration set', () => {
    const [senderId] = s.functionByEntry(ENTRIES.sender);
    const [configSetId] = s.ofType('AWS::SES::ConfigurationSet')[0] ?? [];
    for (const entry of Object.values(ENTRIES)) {
      const [fnId] = s.functionByEntry(entry);
      const ses = s.roleStatements(fnId).filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
      if (fnId !== senderId) {
        expect(ses, entry).toEqual([]);
        continue;
      }
      expect(ses).toHaveLength(1);
      const statement = ses[0] as Statement;
      expect(actionsOf(statement)).toEqual(['ses:SendRawEmail']);
      const arns = resourcesOf(statement).map((r) => JSON.stringify(r));
      expect(arns).toHaveLength(3);
      expect(arns.filter((a) => a.includes(`:identity/${s.config.senderDomain}"`))).toHaveLength(1);
      expect(arns.filter((a) => a.includes(`:identity/${s.config.fromAddress}"`))).toHaveLength(1);
      expect(
        arns.filter((a) => a.includes(':configuration-set/') && a.includes(`"Ref":"${configSetId}"`)),
      ).toHaveLength(1);
    }
  });

  it('lets a function send only to the queues it names in its environment', () => {
    for (const entry of Object.values(ENTRIES)) {
      const [fnId, fn] = s.functionByEntry(entry);
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // A queue URL variable, or the dead-letter routes (each names a queue's URL by Ref).
      const named = Object.entries(env)
        .filter(
          ([name]) => (name.endsWith('_URL') && !name.endsWith('_BASE_URL')) || name === 'DEAD_LETTER_ROUTES',
        )
        .flatMap(([, value]) => [...JSON.stringify(value).matchAll(/\{"Ref":"([^"]+)"\}/g)].map((m) => m[1]))
        .sort();
      const sendTo = s
        .roleStatements(fnId)
        .filter((st) => actionsOf(st).includes('sqs:SendMessage'))
        .flatMap((st) => resourcesOf(st).map((r) => (r as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]))
        .sort();
      expect(sendTo, entry).toEqual(named);
    }
  });

  it('keeps the sender away from the intake queue', () => {
    const [senderId, sender] = s.functionByEntry(ENTRIES.sender);
    const env = (sender.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.INTAKE_QUEUE_URL).toBeUndefined();
    const intakeQueue = (s.template.toJSON().Outputs.IntakeQueueUrl.Value as { Ref: string }).Ref;
    const touches = s
      .roleStatements(senderId)
      .flatMap(resourcesOf)
      .some((r) => JSON.stringify(r).includes(intakeQueue));
    expect(touches).toBe(false);
  });

  it('gives table access on the table and its named indexes, never Scan and never index/*', () => {
    for (const entry of Object.values(ENTRIES)) {
      const [fnId] = s.functionByEntry(entry);
      const dynamo = s
        .roleStatements(fnId)
        .filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
      expect(dynamo.length, entry).toBeGreaterThan(0);
      for (const st of dynamo) {
        expect(actionsOf(st), entry).not.toContain('dynamodb:Scan');
        expect(JSON.stringify(st.Resource), entry).not.toContain('/index/*');
      }
    }
  });

  it('reads the unsubscribe key parameter with ssm:GetParameter only, in the sender and the endpoints', () => {
    const parameter = s.config.unsubscribeKeyParameter;
    for (const entry of Object.values(ENTRIES)) {
      const [fnId] = s.functionByEntry(entry);
      const ssm = s.roleStatements(fnId).filter((st) => actionsOf(st).some((a) => a.startsWith('ssm:')));
      if (entry === ENTRIES.sender || entry === ENTRIES.unsubscribe || entry === ENTRIES.rsvp) {
        expect(ssm, entry).toHaveLength(1);
        expect(actionsOf(ssm[0] as Statement)).toEqual(['ssm:GetParameter']);
        expect(JSON.stringify(ssm[0]?.Resource)).toContain(`:parameter${parameter}"`);
      } else {
        expect(ssm, entry).toEqual([]);
      }
    }
  });
});
