// What a driver's isolation probes found about an upstream's credentials: which server they reach
// and what they can do beyond their own database. Driver-neutral and pure (drizzle's schema and the
// services read these types); each driver's probes live in its own folder.

/** allowed: the server ran it; refused: the server answered an error; failed: no answer (transport). */
export type ProbeOutcome = "allowed" | "refused" | "failed";

export type ProbeFinding = {
  /** A stable name, e.g. "select_other_database". */
  name: string;
  /** What was sent, as text (never credentials). */
  command: string;
  outcome: ProbeOutcome;
  /** The server's answer (shortened) or why there was none. */
  reply: string;
  /** What an allowed outcome lets a key holder do, in one sentence. */
  risk: string;
};

/** Who answered: the normalised address always; the rest when the server told us (INFO server). */
export type ServerIdentity = {
  /** host:port, lowercased, IPv6 in brackets: how instances on the same server are matched. */
  address: string;
  run_id: string | null;
  redis_version: string | null;
  tcp_port: number | null;
};

export type IsolationFindings = { server: ServerIdentity; probes: ProbeFinding[] };
