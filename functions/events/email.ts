import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

/**
 * An e-mail address as the pipeline stores and sends it, plus the key that identifies the person.
 */
export interface NormalizedEmail {
  /** Trimmed address, local part as given, domain lower-cased in its ASCII (punycode) form. */
  readonly address: string;
  /**
   * The whole address lower-cased. Product rule: a person is one contact per conference however the
   * address was cased, so `Jane.Doe@Example.org` and `jane.doe@example.org` share this key.
   */
  readonly contactKey: string;
}

/** Thrown by {@link normalizeEmail} for input that {@link isValidEmail} rejects. */
export class InvalidEmailError extends Error {
  /** The rejected input, as given. */
  readonly input: string;

  constructor(input: string) {
    super(`${JSON.stringify(input)} is not a valid e-mail address`);
    this.name = 'InvalidEmailError';
    this.input = input;
  }
}

// RFC 5322 dot-atom characters only. Quoted local parts are legal but never seen from real
// registration forms, and SES does not accept non-ASCII local parts (no SMTPUTF8), so an address
// outside this set would be accepted here only to fail later at send time.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// Before IDNA conversion: letters of any script (internationalized domains are real), digits, hyphens.
const UNICODE_DOMAIN = /^[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)+$/u;
const ASCII_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// A top-level domain is alphabetic or an IDNA label; this rejects IP-address "domains" like 1.2.3.4.
const ASCII_TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

interface SplitAddress {
  readonly local: string;
  readonly asciiDomain: string;
}

function split(input: string): SplitAddress | undefined {
  const s = input.trim();
  // 254 is the longest address that fits in an SMTP path (RFC 5321 errata 1690).
  if (s.length === 0 || s.length > 254) return undefined;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return undefined;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  if (!UNICODE_DOMAIN.test(domain)) return undefined;
  const asciiDomain = domainToASCII(domain.toLowerCase());
  if (asciiDomain === '' || asciiDomain.length > 253) return undefined;
  const labels = asciiDomain.split('.');
  if (!labels.every((label) => ASCII_LABEL.test(label))) return undefined;
  if (!ASCII_TLD.test(labels[labels.length - 1] ?? '')) return undefined;
  return { local, asciiDomain };
}

/**
 * Whether `input` (after trimming) is an address the pipeline can send to: a dot-atom local part
 * and a domain with at least two labels and an alphabetic or IDNA top-level label.
 *
 * Deliberately practical rather than RFC-complete: quoted local parts, comments, IP literals and
 * dotless domains are refused because real registration forms never produce them and SES would not
 * deliver most of them.
 */
export function isValidEmail(input: string): boolean {
  return split(input) !== undefined;
}

/**
 * Normalizes an address for storage and sending, and derives the person's contact key.
 *
 * The local part keeps its case (a few mail systems still treat it as case-sensitive, so we send to
 * exactly what the person typed); the domain is lower-cased and converted to ASCII because DNS is
 * case-insensitive and SES wants punycode.
 *
 * @throws {InvalidEmailError} when {@link isValidEmail} is false for `input`.
 */
export function normalizeEmail(input: string): NormalizedEmail {
  const parts = split(input);
  if (parts === undefined) throw new InvalidEmailError(input);
  const address = `${parts.local}@${parts.asciiDomain}`;
  return { address, contactKey: address.toLowerCase() };
}

/**
 * The contact key of an address: see {@link NormalizedEmail.contactKey}.
 *
 * @throws {InvalidEmailError} when {@link isValidEmail} is false for `input`.
 */
export function contactKeyOf(input: string): string {
  return normalizeEmail(input).contactKey;
}

/** A stable invitee id for an address, so importing the same list twice updates, never duplicates. */
export function inviteeIdFor(email: string): string {
  const key = isValidEmail(email) ? contactKeyOf(email) : email.trim().toLowerCase();
  return `inv-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}
