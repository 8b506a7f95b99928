import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contactKeyOf,
  InvalidEmailError,
  isValidEmail,
  normalizeEmail,
} from '../../../functions/events/email.js';

describe('isValidEmail', () => {
  it.each([
    'jane@example.org',
    'Jane.Doe@Example.ORG',
    ' padded@example.org ',
    'first.last+tag@sub.example.net',
    "o'brien@example.org",
    'info@bücher.example',
    'press@xn--bcher-kva.example',
  ])('accepts %j', (address) => {
    expect(isValidEmail(address)).toBe(true);
  });

  it.each([
    '',
    'jane@',
    '@example.org',
    'jane',
    'jane@example',
    'jane@@example.org',
    'jane doe@example.org',
    'jane..doe@example.org',
    '.jane@example.org',
    'jane.@example.org',
    'jane@-example.org',
    'jane@example..org',
    'jane@1.2.3.4',
    'jane@[127.0.0.1]',
    '"jane doe"@example.org',
    'jané@example.org',
    'jane@example.org\r\nBcc: x@example.net',
    `${'a'.repeat(65)}@example.org`,
    `jane@${'a'.repeat(250)}.org`,
  ])('refuses %j', (address) => {
    expect(isValidEmail(address)).toBe(false);
  });
});

describe('normalizeEmail', () => {
  it('trims, lower-cases the domain and keeps the local part as typed', () => {
    // Act
    const normalized = normalizeEmail('  Jane.Doe@Example.ORG ');

    // Assess
    expect(normalized).toEqual({ address: 'Jane.Doe@example.org', contactKey: 'jane.doe@example.org' });
  });

  it('gives one contact key however the address was cased', () => {
    // Act
    const a = normalizeEmail('Jane.Doe@example.org');
    const b = normalizeEmail('JANE.DOE@EXAMPLE.ORG');

    // Assess
    expect(a.address).not.toBe(b.address);
    expect(a.contactKey).toBe(b.contactKey);
    expect(contactKeyOf(' jane.doe@Example.org')).toBe(a.contactKey);
  });

  it('writes internationalized domains in their ASCII form, so both spellings are one contact', () => {
    // Act
    const unicode = normalizeEmail('Info@Bücher.example');
    const ascii = normalizeEmail('info@xn--bcher-kva.example');

    // Assess
    expect(unicode.address).toBe('Info@xn--bcher-kva.example');
    expect(unicode.contactKey).toBe(ascii.contactKey);
  });

  it('throws a named error for an invalid address', () => {
    // Act
    const attempt = () => normalizeEmail('jane@');

    // Assess
    expect(attempt).toThrow(InvalidEmailError);
    expect(attempt).toThrow('"jane@" is not a valid e-mail address');
  });

  it('is idempotent and case-insensitive in its key for generated addresses', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.boolean(), (address, upper) => {
        expect(isValidEmail(address)).toBe(true);
        const once = normalizeEmail(address);
        expect(normalizeEmail(once.address)).toEqual(once);
        const recased = upper ? address.toUpperCase() : address.toLowerCase();
        expect(normalizeEmail(recased).contactKey).toBe(once.contactKey);
      }),
    );
  });
});
