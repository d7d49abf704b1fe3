/**
 * Thrown by loadPolicy() when the IR is not valid. Invalid IR is a programming error of the
 * caller (IR comes from the compiler), so this is the one place where the runtime throws;
 * `errors` holds every message of validateIR(), each starting with a JSON path.
 */
export class PolicyLoadError extends Error {
  readonly errors: readonly string[];

  constructor(errors: readonly string[]) {
    const shown = errors.slice(0, 10).map((error) => `\n  - ${error}`).join('');
    const more = errors.length > 10 ? `\n  ... and ${errors.length - 10} more` : '';
    super(`invalid policy IR (${errors.length} ${errors.length === 1 ? 'error' : 'errors'}):${shown}${more}`);
    this.name = 'PolicyLoadError';
    this.errors = Object.freeze([...errors]);
  }
}
