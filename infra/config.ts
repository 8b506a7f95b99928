import { z } from 'zod';

/**
 * An ISO 8601 duration in days, hours and minutes (`P7D`, `PT1H`, `P1DT12H`,
 * `PT30M`). Months and years are refused: `P1M` reads as a month in ISO 8601
 * but as a minute to many people, and a reminder must not be ambiguous.
 */
const reminderOffset = z
  .string()
  .regex(
    /^P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?)?$/,
    'an ISO 8601 duration in days, hours or minutes, such as P7D, PT1H or P1DT12H',
  );

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Deployment configuration, read from the `communique` object in CDK context
 * (cdk.json, or `-c communique='{"…"}'`). Validated once; a missing or malformed
 * value fails `cdk synth` with the value's name.
 */
export const stackConfigSchema = z
  .object({
    /** Sending identity: the SES domain identity mail is sent from (verified by the operator). */
    senderDomain: z
      .string()
      .regex(
        /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
        'must be a domain such as mail.example.org',
      ),
    /** Default From address; must be on the sender domain. */
    fromAddress: z.email(),
    /** SES configuration set the sender uses; its events go to the feedback queue. Unique per region. */
    configurationSetName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only, at most 64'),
    /** The account's SES maximum send rate (messages per second), as the SES console shows it. */
    sesMaxSendRate: z.number().positive().max(10_000),
    /** Per-invocation pace of one sender; the sender's maxConcurrency is ceil(rate / this). */
    perSenderRate: z.number().positive().max(1_000).default(10),
    /** How long delivery rows, rejections and markers are kept (DynamoDB TTL). */
    retentionDays: z.number().int().min(1).max(3650),
    /** Reminder offsets: before the conference opens and before each registered session. */
    reminderOffsets: z.object({
      conference: z.array(reminderOffset),
      session: z.array(reminderOffset),
    }),
    /** Where alarms are e-mailed (the subscription must be confirmed from that mailbox). */
    alarmEmail: z.email(),
    /**
     * Public base URL of the unsubscribe endpoint as recipients see it (HTTPS). Empty: use
     * the Lambda function URL that the stack creates.
     */
    unsubscribeBaseUrl: z
      .union([
        z.url({ protocol: /^https$/, error: 'an https:// URL, or "" for the function URL' }),
        z.literal(''),
      ])
      .default(''),
    /**
     * Public base URL of the RSVP endpoint as invitees see it (HTTPS; keep "rsvp" in its path).
     * Empty: the RSVP function URL with the path `/rsvp`.
     */
    rsvpBaseUrl: z
      .union([
        z.url({ protocol: /^https$/, error: 'an https:// URL, or "" for the function URL' }),
        z.literal(''),
      ])
      .default(''),
    /** SSM parameter (SecureString, default aws/ssm key) holding the unsubscribe HMAC keys, created by the operator. */
    unsubscribeKeyParameter: z
      .string()
      .regex(/^\/[A-Za-z0-9_./-]+$/, 'an SSM parameter name starting with /'),
    /** Retention of every function's log group, in days (one of the values CloudWatch Logs accepts). */
    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
  })
  .strict()
  .refine((c) => c.fromAddress.toLowerCase().endsWith(`@${c.senderDomain.toLowerCase()}`), {
    message: 'fromAddress must be an address on senderDomain',
    path: ['fromAddress'],
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** A configuration value that cannot be used; the message names every bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the context value, throwing a {@link ConfigError} that names every bad
 * field as `communique.<path>`. Accepts the object from cdk.json or the JSON text
 * that `-c communique='{…}'` passes.
 */
export function parseStackConfig(raw: unknown): StackConfig {
  if (raw === undefined || raw === null) {
    throw new ConfigError(
      'Invalid CDK context "communique": it is missing. Set it in cdk.json ("context": {"communique": {…}}) or pass -c communique=\'{…}\'.',
    );
  }
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch (cause) {
      throw new ConfigError(
        'Invalid CDK context "communique": the value given on the command line is not JSON',
        {
          cause,
        },
      );
    }
  }
  const result = stackConfigSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const where = i.path.length > 0 ? `communique.${i.path.join('.')}` : 'communique';
      // Unknown keys are reported at the object; naming them is what helps (a typo'd field).
      const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
      return `  ${where}: ${i.message}${keys}`;
    });
    throw new ConfigError(`Invalid CDK context "communique":\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * Share of the account's SES rate the senders aim at. The fleet takes its send
 * times from one shared schedule (functions/sending/fleet-pacer.ts) whose slots
 * are `1 / (rate × headroom)` apart, so any `rate` consecutive sends span
 * `1 s / headroom`: at 0.99 a send may leave up to 10 ms after its slot before a
 * rolling second could catch one too many, which SES would answer with a throttle.
 */
export const PACING_HEADROOM = 0.99;

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
  return { maxConcurrency, perInvocationRate: (config.sesMaxSendRate * PACING_HEADROOM) / maxConcurrency };
}
