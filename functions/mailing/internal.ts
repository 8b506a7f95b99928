import { z } from 'zod';

/**
 * Messages the pipeline sends to itself on the intake queue: a large mailing is
 * planned (or cancelled, or resent) a page per message, so no invocation runs
 * long and a crash resumes from the stored cursor. Only the pipeline's own
 * source may send them.
 */
export const INTERNAL_SOURCE = 'communique://pipeline';

export const continuationSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.literal(INTERNAL_SOURCE),
  type: z.literal('communique.mailing.continue'),
  time: z.string(),
  data: z.object({
    mailingId: z.string().min(1),
    op: z.enum(['plan', 'cancel', 'requeue']),
    /** For requeue: which states go back to the queue. */
    states: z.array(z.enum(['failed', 'uncertain', 'queued'])).optional(),
    requestedBy: z.string().optional(),
    /** For requeue: where the next page of the first state starts (the state index's key). */
    cursor: z.record(z.string(), z.string()).optional(),
    /** For a resend: the request's id, stamped on every delivery it moves (plan.ts requeuePage). */
    resendId: z.string().optional(),
    /**
     * For plan: the page a copy waited for while another planner held it. The copy plans only
     * that page, once its holder is gone; if the plan moved on, the holder's own continuation
     * has the next one, and the copy ends (a duplicate stops there, rather than polling on).
     */
    page: z.number().int().nonnegative().optional(),
  }),
});

export type Continuation = z.infer<typeof continuationSchema>;

export const isInternalType = (type: unknown): boolean =>
  typeof type === 'string' && type.startsWith('communique.');
