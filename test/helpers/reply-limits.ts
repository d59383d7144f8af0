// The edge's texts for replies past an instance's limits, written out here (not imported from src)
// so a change of wording fails the tests that pin it.

/** The error for replies past `max` bytes or elements in one request. */
export const tooLarge = (max: number, unit: "bytes" | "elements") =>
  `ERR the reply is larger than this instance's limit of ${max} ${unit} per request; ask for less at a time (a range, a SCAN cursor, a COUNT)`;

/** A single command, or a pipeline's item, whose reply passed the limit: it ran (a GETDEL has still deleted). */
export const saidRan = (text: string) => `${text}; the command ran, and its reply was dropped`;
