import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseStackConfig } from './config.js';
import { CommuniqueStack } from './stack.js';

const app = new App();
const config = parseStackConfig(app.node.tryGetContext('communique'));
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'communique';
new CommuniqueStack(app, stackName, {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
