// What an unexpected error may say in a log line: its message and its causes', never the values a
// failed query bound (emails, password, key, session and reset-token hashes). Pure.

/** How many causes deep a log line follows an error. */
const MAX_CAUSES = 4;

/**
 * Cuts what carries bound values out of one message: drizzle's failed-query wrapper appends them
 * after the SQL (`Failed query: <sql>\nparams: <values>`), and D1's type error quotes the value
 * (`Type 'object' not supported for value '<value>'`). The SQL itself holds placeholders only.
 */
function withoutBoundValues(message: string): string {
  const params = message.indexOf("\nparams:");
  const cut = params >= 0 ? `${message.slice(0, params)} (params withheld)` : message;
  return cut.replace(/ for value '[\s\S]*'/, " for value (withheld)");
}

/**
 * The text to log for an unexpected `error`: its message, then each cause's (a failed query's cause
 * is the database's own reason), with bound values withheld. A value that is not an Error is named
 * by its type only.
 */
export function describeErrorForLog(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth <= MAX_CAUSES; depth++) {
    parts.push(current instanceof Error ? withoutBoundValues(current.message) : `a thrown ${typeof current}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" <- caused by: ");
}
