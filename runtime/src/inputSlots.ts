// The request fields a policy reads, numbered once per policy. The generated decide function
// keeps slot i in locals `v{i}` (value) and `k{i}` (present), and reports missing inputs as a
// bitmask over slot numbers, which decisionBuilder.ts turns back into names.

import type { PolicyIR } from './ir.js';
import { fieldsRead, slotName, type SlotRef } from './compileCondition.js';
import { FIELD_TYPES } from './fields.js';

/** How a slot's raw value is checked (readInput.ts has the rules). */
export type SlotCheck = 'money' | 'days' | 'count' | 'string' | 'metadata' | 'time' | 'weekday' | 'list';

export interface InputSlot {
  readonly index: number;
  /** The request field, as `missing_fields` names it. */
  readonly name: string;
  readonly check: SlotCheck;
  /** The first field that reads this slot (every field reading it reads it the same way). */
  readonly field: SlotRef;
}

/** Slots beyond this count cannot be a bit of a 31-bit mask; such policies list missing fields by interpretation. */
export const MAX_MASKED_SLOTS = 30;

function slotCheck(field: SlotRef): SlotCheck {
  if (field.kind === 'list') return 'list';
  if (field.kind === 'metadata') return 'metadata';
  if (field.kind === 'weekday') return 'weekday';
  switch (FIELD_TYPES[field.kind]) {
    case 'time':
      return 'time';
    case 'money':
      return 'money';
    case 'duration':
      return 'days';
    case 'count':
      return 'count';
    default:
      return 'string';
  }
}

/** Every request field the rules read (the currency aside: it is never missing), in order of first use. */
export function planSlots(ir: PolicyIR): readonly InputSlot[] {
  const slots = new Map<string, InputSlot>();
  for (const rule of ir.rules) {
    for (const field of fieldsRead(rule.condition)) {
      const name = slotName(field);
      if (!slots.has(name)) slots.set(name, { index: slots.size, name, check: slotCheck(field), field });
    }
  }
  return [...slots.values()];
}
