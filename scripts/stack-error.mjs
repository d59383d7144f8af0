// @ts-check
// The error the local-stack scripts throw for a problem the person can fix; `npm run dev` prints
// its message alone, without a stack trace.

/** @param {string} message */
export function stackError(message) {
  const error = new Error(message);
  error.name = "StackError";
  return error;
}
