import { App } from 'aws-cdk-lib';
import { parseStackConfig } from './config.js';
import { applyNagChecks } from './nag.js';
import { CommuniqueStack } from './stack.js';

const app = new App();
const config = parseStackConfig(app.node.tryGetContext('communique'));
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'communique';
new CommuniqueStack(app, stackName, {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
applyNagChecks(app);
app.synth();
