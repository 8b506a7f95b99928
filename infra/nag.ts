import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Applies cdk-nag's AWS Solutions pack to the whole app: synthesis fails on any
 * finding that is not acknowledged (`Validations.of(construct).acknowledge`) with
 * a reason. Shared by `infra/app.ts` and the infra test, so both check the same.
 */
export function applyNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
