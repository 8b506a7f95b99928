import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, ENTRIES, resourcesOf, type Synthesized, synthesize } from './support.js';

describe('invitations in the stack', () => {
  let s: Synthesized;
  let answersTopic: string;

  beforeAll(() => {
    s = synthesize();
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    answersTopic = (outputs.InvitationAnswersTopicArn?.Value as { Ref?: string } | undefined)?.Ref ?? '';
  });

  it('serves the RSVP endpoint from a public function URL of its own', () => {
    const [rsvpId] = s.functionByEntry(ENTRIES.rsvp);
    const urls = s.ofType('AWS::Lambda::Url');
    const rsvpUrl = urls.find(([, u]) => JSON.stringify(u.Properties.TargetFunctionArn).includes(rsvpId));
    expect(rsvpUrl?.[1].Properties.AuthType).toBe('NONE');
    expect(urls).toHaveLength(2);
  });

  it('publishes answers only from the RSVP function, only to the answers topic, with the key actions SNS needs', () => {
    expect(answersTopic).toBeTruthy();
    for (const entry of Object.values(ENTRIES)) {
      const [fnId] = s.functionByEntry(entry);
      const statements = s.roleStatements(fnId);
      const publish = statements.filter((st) => actionsOf(st).includes('sns:Publish'));
      if (entry === ENTRIES.rsvp) {
        expect(publish).toHaveLength(1);
        expect(resourcesOf(publish[0] as never)).toEqual([{ Ref: answersTopic }]);
        const kms = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')));
        expect(kms.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      } else {
        expect(publish, entry).toEqual([]);
      }
    }
  });

  it('gives the sender the RSVP base URL: the RSVP function URL with the path /rsvp', () => {
    const [, sender] = s.functionByEntry(ENTRIES.sender);
    const env = (sender.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const value = JSON.stringify(env.RSVP_BASE_URL);
    expect(value).toContain('Fn::Join');
    expect(value).toContain('"rsvp"');
    expect(value).toContain('FunctionUrl');
  });

  it('outputs the RSVP URL and the answers topic for the registration system', () => {
    const outputs = Object.keys(s.template.toJSON().Outputs as Record<string, unknown>);
    expect(outputs).toEqual(expect.arrayContaining(['RsvpUrl', 'InvitationAnswersTopicArn']));
  });
});
