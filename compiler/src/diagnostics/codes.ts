// Stable diagnostic codes. A code is never reused for another meaning; retired codes stay
// listed. compiler/docs/diagnostics.md documents each one with an example and a fix, and a
// test checks that every code here is documented and has an invalid-policy fixture.
import type { Severity } from './Diagnostic.js';

export const CODES = {
  AX1000: { severity: 'error', title: 'unexpected character' },
  AX1001: { severity: 'error', title: 'syntax error' },
  AX1002: { severity: 'error', title: 'missing policy header' },
  AX1003: { severity: 'error', title: 'unknown role' },
  AX1004: { severity: 'error', title: 'unknown source' },
  AX1005: { severity: 'error', title: 'unknown field' },
  AX1006: { severity: 'error', title: 'duplicate rule name' },
  AX1007: { severity: 'error', title: 'duplicate declaration' },
  AX1008: { severity: 'error', title: 'invalid version' },
  AX1009: { severity: 'error', title: 'type mismatch' },
  AX1010: { severity: 'error', title: 'cross-currency comparison' },
  AX1011: { severity: 'error', title: 'impossible condition' },
  AX1012: { severity: 'error', title: 'between bounds out of order' },
  AX1013: { severity: 'error', title: 'unknown currency' },
  AX1014: { severity: 'error', title: 'too many decimals for the currency' },
  AX1015: { severity: 'error', title: 'role seniority cycle' },
  AX1016: { severity: 'error', title: 'more than one unless' },
  AX1017: { severity: 'error', title: 'invalid approval count' },
  AX1018: { severity: 'error', title: 'duplicate role, source or list' },
  AX1019: { severity: 'error', title: 'invalid unit' },
  AX1020: { severity: 'error', title: 'text needs a quoted value' },
  AX1021: { severity: 'error', title: 'invalid number' },
  AX1022: { severity: 'error', title: 'invalid example input' },
  AX1023: { severity: 'error', title: 'failing example' },
  AX1024: { severity: 'error', title: 'unknown rule' },
  AX1025: { severity: 'error', title: 'nesting too deep' },
  AX1026: { severity: 'error', title: 'unterminated string' },
  AX1027: { severity: 'error', title: 'unknown list' },
  AX1028: { severity: 'error', title: 'unknown time zone' },
  AX1029: { severity: 'error', title: 'invalid time of day' },
  AX1030: { severity: 'error', title: 'not a day of the week' },
  AX1999: { severity: 'error', title: 'internal compiler error' },
  AX2001: { severity: 'warning', title: 'rule can never match' },
  AX2002: { severity: 'warning', title: 'rule can never decide the outcome' },
  AX2003: { severity: 'warning', title: 'currency coverage gap' },
  AX2004: { severity: 'warning', title: 'negated amount covers other currencies' },
  AX2005: { severity: 'warning', title: 'analysis inconclusive' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type DiagnosticCode = keyof typeof CODES;
