import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../cdk.json' with { type: 'json' };
import { parseStackConfig, type StackConfig } from './config.js';
import { CommuniqueStack } from './stack.js';

/** The configuration in cdk.json, used by the local stack and the tests. */
export function defaultConfig(): StackConfig {
  return parseStackConfig(cdkJson.context.communique);
}

/**
 * Synthesizes the stack in-process without bundling (the local stack runs the
 * TypeScript entries directly), returning the CloudFormation template.
 */
export function synthTemplate(config: StackConfig = defaultConfig()): Record<string, unknown> {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new CommuniqueStack(app, 'communique', { config });
  return Template.fromStack(stack).toJSON();
}
