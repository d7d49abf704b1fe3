// Every syntax-tree check, in the order they run. Order only affects the order diagnostics
// are found in; output is sorted by position.
import type { Check } from './Check.js';
import { BetweenOrderCheck } from './BetweenOrderCheck.js';
import { CrossCurrencyCheck } from './CrossCurrencyCheck.js';
import { DuplicateDeclarationCheck } from './DuplicateDeclarationCheck.js';
import { ExampleCheck } from './ExampleCheck.js';
import { DuplicateRuleNameCheck } from './DuplicateRuleNameCheck.js';
import { HeaderCheck } from './HeaderCheck.js';
import { ListDeclarationCheck } from './ListDeclarationCheck.js';
import { LiteralCheck } from './LiteralCheck.js';
import { NegatedAmountCheck } from './NegatedAmountCheck.js';
import { RoleDeclarationCheck } from './RoleDeclarationCheck.js';
import { TypeCheck } from './TypeCheck.js';
import { UnknownFieldCheck } from './UnknownFieldCheck.js';
import { UnknownRoleCheck } from './UnknownRoleCheck.js';
import { UnknownSourceCheck } from './UnknownSourceCheck.js';
import { UnlessCountCheck } from './UnlessCountCheck.js';
import { TimeOfDayCheck } from './TimeOfDayCheck.js';
import { TimezoneCheck } from './TimezoneCheck.js';
import { WeekdayCheck } from './WeekdayCheck.js';

export const SYNTAX_CHECKS: readonly Check[] = [
  HeaderCheck,
  DuplicateDeclarationCheck,
  RoleDeclarationCheck,
  DuplicateRuleNameCheck,
  UnknownRoleCheck,
  UnknownSourceCheck,
  UnknownFieldCheck,
  ListDeclarationCheck,
  TimezoneCheck,
  LiteralCheck,
  TimeOfDayCheck,
  TypeCheck,
  WeekdayCheck,
  BetweenOrderCheck,
  CrossCurrencyCheck,
  UnlessCountCheck,
  NegatedAmountCheck,
  ExampleCheck,
];

export type { Check, CheckContext } from './Check.js';
