/** Swaps the intake function's code for the probe, keeping its queue, mapping and environment. */
export function withProbeIntake(template: Record<string, unknown>): void {
  const resources = template.Resources as Record<
    string,
    { Type: string; Metadata?: Record<string, unknown> }
  >;
  const intake = Object.values(resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['communique:entry'] === 'functions/intake.ts',
  );
  if (!intake?.Metadata) throw new Error('intake function not found in the template');
  intake.Metadata['communique:entry'] = 'test/integration/fixtures/probe-handler.ts';
}

/** The probe intake, with the DLQs left as SQS leaves them: nobody takes their messages up. */
export function withProbeIntakeAndBareDlqs(template: Record<string, unknown>): void {
  withProbeIntake(template);
  const resources = template.Resources as Record<
    string,
    { Type: string; Properties?: { FunctionName?: { Ref?: string } } }
  >;
  const deadLetters = Object.entries(resources).find(
    ([, r]) =>
      (r as { Metadata?: Record<string, unknown> }).Metadata?.['communique:entry'] ===
      'functions/dead-letters.ts',
  )?.[0];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties?.FunctionName?.Ref === deadLetters)
      delete resources[id];
  }
}
