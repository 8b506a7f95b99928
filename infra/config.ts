import { z } from 'zod';

/**
 * Deployment configuration, read from the `communique` object in CDK context
 * (cdk.json, or `-c communique='{"…"}'`). Validated once; a missing or malformed
 * value fails `cdk synth` with the value's name.
 */
export const stackConfigSchema = z
  .object({
    /** Sending identity: the verified SES domain (or address) mail is sent from. */
    senderDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain such as mail.example.org'),
    /** Default From address; must be on the sender domain. */
    fromAddress: z.email(),
    /** SES configuration set the sender uses; events go to the feedback queue. */
    configurationSetName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only'),
    /** The account's SES maximum send rate (messages per second). */
    sesMaxSendRate: z.number().positive().max(10_000),
    /** Per-invocation pace of one sender; maxConcurrency = ceil(rate / this). */
    perSenderRate: z.number().positive().max(1_000).default(10),
    /** How long delivery rows, rejections and markers are kept (DynamoDB TTL). */
    retentionDays: z.number().int().min(1).max(3650),
    /** Reminder offsets: before the conference opens and before each session (ISO 8601 durations). */
    reminderOffsets: z.object({
      conference: z.array(z.string().regex(/^P(T?\d+[DHM])+$/, 'ISO 8601 duration like P7D or PT1H')).min(0),
      session: z.array(z.string().regex(/^P(T?\d+[DHM])+$/, 'ISO 8601 duration like PT1H')).min(0),
    }),
    /** Where alarms are e-mailed. */
    alarmEmail: z.email(),
    /**
     * Public base URL of the unsubscribe endpoint as recipients see it. Empty: use
     * the Lambda function URL that the stack creates.
     */
    unsubscribeBaseUrl: z.union([z.url({ protocol: /^https$/ }), z.literal('')]).default(''),
    /** SSM parameter (SecureString) holding the unsubscribe HMAC keys, created by the operator. */
    unsubscribeKeyParameter: z
      .string()
      .regex(/^\/[A-Za-z0-9_./-]+$/, 'an SSM parameter name starting with /'),
  })
  .refine((c) => c.fromAddress.toLowerCase().endsWith(`@${c.senderDomain.toLowerCase()}`), {
    message: 'fromAddress must be an address on senderDomain',
    path: ['fromAddress'],
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** Parses the context value, throwing an error that names every bad field. */
export function parseStackConfig(raw: unknown): StackConfig {
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `  communique.${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new Error(`Invalid CDK context "communique":\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * Sender pacing derived from the SES rate: how many sender invocations may run at
 * once (the event source's maximum concurrency, 2..1000) and the rate each one
 * paces itself to, so that their sum never exceeds the account's rate.
 */
export function senderPacing(config: Pick<StackConfig, 'sesMaxSendRate' | 'perSenderRate'>): {
  maxConcurrency: number;
  perInvocationRate: number;
} {
  const maxConcurrency = Math.min(1000, Math.max(2, Math.ceil(config.sesMaxSendRate / config.perSenderRate)));
  return { maxConcurrency, perInvocationRate: config.sesMaxSendRate / maxConcurrency };
}
