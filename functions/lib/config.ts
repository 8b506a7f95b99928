import { z } from 'zod';
import { ConfigurationError } from './errors.js';

const duration = z.string().regex(/^P(T?\d+[DHM])+$/);

const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  SEND_QUEUE_URL: z.string().min(1),
  INTAKE_QUEUE_URL: z.string().min(1),
  INTAKE_DLQ_URL: z.string().min(1),
  /** How long a sender's claim on a delivery lasts; past it, a silent claim becomes `uncertain`. */
  SEND_LEASE_SECONDS: z.coerce.number().positive().default(120),
  CONFIGURATION_SET: z.string().min(1),
  FROM_ADDRESS: z.email(),
  SENDER_DOMAIN: z.string().min(3),
  RETENTION_DAYS: z.coerce.number().int().positive(),
  REMINDER_OFFSETS: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.object({ conference: z.array(duration), session: z.array(duration) })),
  SEND_RATE_PER_INVOCATION: z.coerce.number().positive(),
  UNSUBSCRIBE_BASE_URL: z.url(),
  /** Local only: the HMAC keys inline. In AWS they come from UNSUBSCRIBE_KEY_PARAMETER (SSM). */
  UNSUBSCRIBE_KEYS: z.string().optional(),
  UNSUBSCRIBE_KEY_PARAMETER: z.string().optional(),
  /** Set by the local stack: enables the settable clock. */
  COMMUNIQUE_LOCAL: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Reads and validates the variables a handler needs, once, at cold start. A
 * missing or malformed variable fails with its name.
 */
export function loadEnv<K extends keyof Env>(
  keys: readonly K[],
  source: NodeJS.ProcessEnv = process.env,
): Pick<Env, K> {
  const mask = Object.fromEntries(keys.map((k) => [k, true])) as Record<keyof Env, true>;
  const result = envSchema.pick(mask).safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigurationError(`Invalid environment: ${lines.join('; ')}`);
  }
  return result.data as unknown as Pick<Env, K>;
}
