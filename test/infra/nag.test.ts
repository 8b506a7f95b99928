import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { applyNagChecks } from '../../infra/nag.js';
import { CommuniqueStack } from '../../infra/stack.js';
import { defaultConfig } from '../../infra/synth.js';

type Report = {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
};

/** Every acknowledgement in the tree: construct path, rule id, reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        // aws-cdk-lib records `{ [ruleId]: reason }`.
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let outdir: string;
  let app: App;
  let report: Report;
  let synthError: unknown;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'communique-nag-'));
    // The app as infra/app.ts builds it, minus bundling.
    app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    new CommuniqueStack(app, 'communique', { config: defaultConfig() });
    applyNagChecks(app);
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
    report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as Report;
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('reports no unacknowledged error or warning', () => {
    const findings = report.pluginReports.flatMap((p) =>
      p.violations.map(
        (v) =>
          `${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('acknowledges only findings it explains, each with a reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[.+\])?$/i);
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
    }
    // Today: the runtime pin on each function and X-Ray's required wildcard on each role; and the
    // console's (infra/console.ts): no geo restriction, WAF or CloudFront logging on a static app,
    // the default certificate, optional MFA, no paid Cognito plan, no stage access log.
    const ids = [...new Set(acks.map((a) => a.id.replace(/^Annotation::/i, '')))].sort();
    expect(ids).toEqual([
      'AwsSolutions-APIG1',
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR3',
      'AwsSolutions-CFR4',
      'AwsSolutions-COG2',
      'AwsSolutions-COG3',
      'AwsSolutions-COG8',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
    ]);
  });
});
