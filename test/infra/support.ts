import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { StackConfig } from '../../infra/config.js';
import { CommuniqueStack } from '../../infra/stack.js';
import { defaultConfig } from '../../infra/synth.js';

export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
};

export type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
};

/** The synthesized stack (without bundling) and lookups the infra tests share. */
export interface Synthesized {
  config: StackConfig;
  stack: CommuniqueStack;
  template: Template;
  resources: Record<string, Resource>;
  ofType(type: string): [string, Resource][];
  /** The function whose `communique:entry` metadata is `entry`. */
  functionByEntry(entry: string): [string, Resource];
  /** Every statement of the policies attached to a function's role. */
  roleStatements(functionId: string): Statement[];
}

/** Synthesizes the stack as `cdk synth` would, minus bundling (no esbuild, no Docker). */
export function synthesize(config: StackConfig = defaultConfig()): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CommuniqueStack(app, 'test', { config });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const functionByEntry = (entry: string): [string, Resource] => {
    const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Metadata?.['communique:entry'] === entry);
    if (!found) throw new Error(`no function for ${entry}`);
    return found;
  };
  const roleStatements = (functionId: string): Statement[] => {
    const fn = resources[functionId];
    if (!fn) throw new Error(`no resource ${functionId}`);
    const roleRef = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    return ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleRef))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  };
  return { config, stack, template, resources, ofType, functionByEntry, roleStatements };
}

/** Actions of a statement as a list. */
export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Resources of a statement as a list. */
export const resourcesOf = (s: Statement): unknown[] =>
  Array.isArray(s.Resource) ? s.Resource : [s.Resource];

/** The function entries of the stack, one per Lambda. */
export const ENTRIES = {
  intake: 'functions/intake.ts',
  sender: 'functions/sender.ts',
  feedback: 'functions/feedback.ts',
  clock: 'functions/clock.ts',
  unsubscribe: 'functions/unsubscribe.ts',
  rsvp: 'functions/rsvp.ts',
  deadLetters: 'functions/dead-letters.ts',
} as const;
