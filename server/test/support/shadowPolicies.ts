import { ACME_SOURCE } from './testApp.js';

/**
 * acme v3 with three changes a person can count against: the approval threshold drops from
 * $150 to $100, new customers are blocked from $300 instead of $500, and yen refunds over ¥5,000
 * are blocked (v3 sends every yen refund to its `otherwise`: a support lead's approval).
 */
export const V4 = ACME_SOURCE
  .replace('version 3', 'version 4')
  .replace('refunds over $150 require finance_manager', 'refunds over $100 require finance_manager')
  .replace('allow refunds up to $150', 'allow refunds up to $100')
  .replace('block refunds over $500 when customer tenure under 30 days', 'block refunds over $300 when customer tenure under 30 days')
  .replace('rule routine:', 'rule yen_block:\n  block refunds over ¥5,000\n\nrule routine:');

/** A policy that needs a fact acme does not: refunds of the customer in the last 7 days. */
export const V5 = ACME_SOURCE
  .replace('version 3', 'version 5')
  .replace('rule routine:', 'rule weekly_limit:\n  block refunds when customer refunds in last 7 days at least 2\n\nrule routine:');
