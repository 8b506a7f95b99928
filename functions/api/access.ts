/**
 * Who may do what: the one place the console's roles are decided. Every route names the action
 * it performs; the router asks {@link may} before running it, and again with the mailing's kind
 * once the mailing is known (a press officer may act on the press kinds only: media advisories,
 * `audience: 'press'` in the kind registry).
 *
 * | group | may |
 * |---|---|
 * | organizers | everything |
 * | press-office | read the conference, press contacts and media advisories; compose, test, confirm, cancel and resend media advisories |
 * | viewers | every read (including previews and audience counts); no change, no test send |
 */
import { isPressKind, KINDS_WITH_CONTENT, MAILING_KINDS, PRESS_KINDS } from '../kinds/index.js';
import type { Group, Identity } from './http.js';

export type Action =
  /** Reads of the conference's own data: overview, registrations, mailings, deliveries, rejections, suppressions. */
  | 'read'
  /** Reading the press list and the conference's basic facts. */
  | 'read-press'
  /** Side-effect-free composing aids: audience count, rendered preview. */
  | 'preview'
  /** Creating, testing, confirming, cancelling, pausing, resuming, resending a mailing. */
  | 'mailing-write'
  /** Adding and lifting suppressions. */
  | 'suppression-write';

const RULES: Record<Group, (action: Action, kind: string | undefined) => boolean> = {
  organizers: () => true,
  'press-office': (action, kind) =>
    action === 'read-press' ||
    ((action === 'read' || action === 'preview' || action === 'mailing-write') && isPressKind(kind)),
  viewers: (action) => action === 'read' || action === 'read-press' || action === 'preview',
};

/**
 * Whether an identity may perform an action; `kind` is the mailing kind the action concerns
 * (undefined: none, or not known yet — then a press officer may only read the press list).
 */
export function may(identity: Identity, action: Action, kind?: string): boolean {
  return identity.groups.some((g) => RULES[g](action, kind));
}

/** Whether the action is allowed for some kind (used before the mailing is loaded). */
export function mayForSomeKind(identity: Identity, action: Action): boolean {
  return may(identity, action) || PRESS_KINDS.some((kind) => may(identity, action, kind));
}

/** What the console shows or hides for this person (buttons, menu entries). */
export function capabilities(identity: Identity) {
  return {
    read: may(identity, 'read'),
    readPress: may(identity, 'read-press'),
    compose: mayForSomeKind(identity, 'mailing-write'),
    composeKinds: MAILING_KINDS.filter((k) => may(identity, 'mailing-write', k)),
    /** The kinds whose subject and body the organizer writes (the compose form asks for them). */
    contentKinds: [...KINDS_WITH_CONTENT],
    suppressions: may(identity, 'suppression-write'),
  };
}
