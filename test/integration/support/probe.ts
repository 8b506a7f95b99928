/**
 * A template transform that swaps one function's code for the probe
 * (test/integration/fixtures/probe-handler.ts), keeping its queue, mapping and environment.
 */
export function withProbeAt(entry: string): (template: Record<string, unknown>) => void {
  return (template) => {
    const resources = template.Resources as Record<
      string,
      { Type: string; Metadata?: Record<string, unknown> }
    >;
    const fn = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['communique:entry'] === entry,
    );
    if (!fn?.Metadata) throw new Error(`${entry} not found in the template`);
    fn.Metadata['communique:entry'] = 'test/integration/fixtures/probe-handler.ts';
  };
}
