/**
 * A user's mistake (bad input, refused permission, unknown id, quota): the handler throws it, the runner answers
 * with its message, nothing has changed, and it is logged at info level, never as an error.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
